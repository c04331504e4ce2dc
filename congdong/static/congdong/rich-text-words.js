// The rich-text editor's words in the page's language (congdong/core/widgets.py RichTextarea):
// django-prose-editor reads window.gettext once, when its module loads, so this deferred
// script runs before the editor's module (see the widget's media).
;(() => {
  const field = document.querySelector("textarea[data-rich-text]")
  if (!field) return
  let words = {}
  try {
    words = JSON.parse(field.dataset.richText)
  } catch (_e) {
    return
  }
  const previous = window.gettext
  window.gettext = (text) => words[text] || (previous ? previous(text) : text)
})()
