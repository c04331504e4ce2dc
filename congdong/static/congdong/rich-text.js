// The staff's rich-text editor: django-prose-editor's Tiptap build, served from our static
// files, on every <textarea data-rich-text> (congdong/core/widgets.py RichTextarea). Without
// JavaScript the textarea stays and takes HTML; either way the server's sanitiser
// (congdong/posts/rich_text.py) decides what is kept, and the editor offers only that:
// paragraphs, headings 2–4, bold, italics, underline, strike, lists, quotations, lines, links,
// and pictures of our own with a description.
//
// Not Tiptap's own <style> injection (injectCSS: false): the Content-Security-Policy allows
// no inline style; editor.css and rich-text.css carry the styles instead.
import {
  Blockquote,
  Bold,
  BulletList,
  crel,
  Document,
  Dropcursor,
  Editor,
  Gapcursor,
  HardBreak,
  Heading,
  History,
  HorizontalRule,
  Image,
  Italic,
  Link,
  ListItem,
  Menu,
  OrderedList,
  Paragraph,
  Strike,
  Text,
  Underline,
} from "../django_prose_editor/editor.js"

// Our own pictures' addresses (posts:image); the server keeps no other picture in a text.
const OWN_PICTURE = /^\/tep\/tin-bai\/anh\/\d+\/$/
const EMOJI = /^[\p{Extended_Pictographic}\p{Emoji_Component}\u200d\ufe0f\s]+$/u

// Pasted HTML as the server will keep it (congdong/posts/rich_text.py), so that the writer
// sees now what will be published: Word's list bullets (conditional "supportLists" parts)
// go; pictures from elsewhere go (Word's file:// clips, Facebook's emoji pictures become the
// emoji); a picture is uploaded and described with the toolbar's button instead.
function cleanPastedHTML(html) {
  // Style blocks, style attributes and event handlers go before any parsing: Chromium reports
  // each one the CSP refuses even in a document apart from the page (where none would apply
  // or run anyway). What these rough patterns miss is still refused, and removed below.
  const pasted = new DOMParser().parseFromString(
    html
      .replace(/<!\[if !supportLists\]>[\s\S]*?<!\[endif\]>/gi, "")
      .replace(/<style[\s\S]*?<\/style>/gi, "")
      .replace(/\s(?:style|on[a-z]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, ""),
    "text/html",
  )
  for (const junk of pasted.body.querySelectorAll("script, style, meta, link, xml, svg, iframe, object")) {
    junk.remove()
  }
  for (const element of pasted.body.querySelectorAll("*")) {
    for (const name of element.getAttributeNames()) {
      if (name === "style" || name === "class" || name.startsWith("on")) element.removeAttribute(name)
    }
  }
  for (const img of pasted.body.querySelectorAll("img")) {
    if (OWN_PICTURE.test(img.getAttribute("src") || "")) continue
    const alt = (img.getAttribute("alt") || "").trim()
    img.replaceWith(alt && EMOJI.test(alt) ? alt : "")
  }
  return pasted.body.innerHTML
}

const actuallyEmpty = (html) => (/^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html)

function csrfToken(textarea) {
  const input = textarea.form?.querySelector("input[name=csrfmiddlewaretoken]")
  return input ? input.value : ""
}

function pageOf(textarea) {
  if (textarea.dataset.page) return textarea.dataset.page
  const field = textarea.dataset.pageField && document.getElementById(textarea.dataset.pageField)
  return field ? field.value : ""
}

// A dialog to upload a picture and describe it; resolves with {src, alt} or null.
function pictureDialog(textarea, words) {
  return new Promise((resolve) => {
    const id = `${textarea.id}-picture`
    const error = crel("div", { className: "error", role: "alert", id: `${id}-error` })
    const file = crel("input", {
      type: "file",
      id: `${id}-file`,
      name: "image",
      accept: "image/jpeg,image/png,image/webp,image/gif",
    })
    const alt = crel("input", { type: "text", id: `${id}-alt`, name: "alt_text", maxLength: 300 })
    const upload = crel("button", { type: "submit", textContent: words["picture.upload"] })
    const cancel = crel("button", { type: "button", className: "secondary", textContent: words.Cancel })
    const form = crel("form", { method: "dialog", noValidate: true }, [
      crel("h3", { textContent: words.picture, id: `${id}-title` }),
      crel("div", { className: "field" }, [
        crel("label", { htmlFor: file.id, textContent: words["picture.file"] }),
        file,
      ]),
      crel("div", { className: "field" }, [
        crel("label", { htmlFor: alt.id, textContent: words["picture.alt"] }),
        alt,
      ]),
      error,
      crel("div", { className: "prose-editor-dialog-buttons" }, [upload, cancel]),
    ])
    const dialog = crel("dialog", { className: "prose-editor-dialog rich-text-picture" }, [form])
    dialog.setAttribute("aria-labelledby", `${id}-title`)
    document.body.append(dialog)
    let result = null
    const fail = (message) => {
      error.textContent = message
      upload.disabled = false
      upload.textContent = words["picture.upload"]
    }
    cancel.addEventListener("click", () => dialog.close())
    dialog.addEventListener("close", () => {
      dialog.remove()
      resolve(result)
    })
    form.addEventListener("submit", async (event) => {
      event.preventDefault()
      const page = pageOf(textarea)
      if (!page) return fail(words["picture.no_page"])
      if (!file.files.length) return fail(words["picture.no_file"])
      if (!alt.value.trim()) return fail(words["picture.no_alt"])
      const body = new FormData()
      body.append("page", page)
      body.append("image", file.files[0])
      body.append("alt_text", alt.value)
      upload.disabled = true
      upload.textContent = words["picture.uploading"]
      try {
        const response = await fetch(textarea.dataset.uploadUrl, {
          method: "POST",
          body,
          headers: { "X-CSRFToken": csrfToken(textarea) },
          credentials: "same-origin",
        })
        const answer = await response.json().catch(() => ({}))
        if (!response.ok) return fail(answer.error || words["picture.failed"])
        result = { src: answer.src, alt: answer.alt }
        dialog.close()
      } catch (_e) {
        fail(words["picture.failed"])
      }
    })
    dialog.showModal()
    file.focus()
  })
}

// django-prose-editor's menu names its buttons in English (or not at all): name them in
// the page's language, by their data-name.
// Buttons that do something once rather than switch a format on and off.
const ACTIONS = new Set(["picture", "history:undo", "history:redo", "horizontalRule", "unlink"])

function translateMenu(wrapper, words) {
  const menubar = wrapper.querySelector(".prose-menubar")
  if (menubar) {
    menubar.setAttribute("role", "toolbar")
    menubar.setAttribute("aria-label", words.toolbar)
  }
  for (const item of wrapper.querySelectorAll(".prose-menubar [data-name]")) {
    const word = words[item.dataset.name]
    if (!word) continue
    item.title = word
    item.setAttribute("aria-label", word)
    const option = item.querySelector("h2, h3, h4, p")
    if (option && item.classList.contains("prose-menubar__option")) option.textContent = word
  }
}

function addPictureButton(wrapper, textarea, editor, words) {
  const menubar = wrapper.querySelector(".prose-menubar")
  if (!menubar || !textarea.dataset.uploadUrl) return
  const button = crel("button", {
    type: "button",
    className: "prose-menubar__button material-icons",
    textContent: "image",
    title: words.picture,
    "aria-label": words.picture,
    "data-name": "picture",
  })
  button.addEventListener("click", async (event) => {
    event.preventDefault()
    const picture = await pictureDialog(textarea, words)
    if (picture) editor.chain().focus().setImage(picture).run()
    else editor.commands.focus()
  })
  menubar.append(crel("div", { className: "prose-menubar__group" }, [button]))
}

// One Tab stop for the whole toolbar (WAI-ARIA's toolbar pattern): the arrow keys, Home and
// End move between its buttons; Tab goes on to the text.
function rovingFocus(menubar) {
  const buttons = () =>
    [...menubar.querySelectorAll("button")].filter((button) => button.offsetParent !== null)
  const current = (chosen) => {
    for (const button of menubar.querySelectorAll("button")) button.tabIndex = button === chosen ? 0 : -1
  }
  current(buttons()[0])
  menubar.addEventListener("focusin", (event) => {
    if (event.target.matches("button")) current(event.target)
  })
  menubar.addEventListener("keydown", (event) => {
    const all = buttons()
    const at = all.indexOf(document.activeElement)
    if (at === -1) return
    const next = {
      ArrowRight: all[(at + 1) % all.length],
      ArrowLeft: all[(at - 1 + all.length) % all.length],
      Home: all[0],
      End: all[all.length - 1],
    }[event.key]
    if (!next) return
    event.preventDefault()
    next.focus()
  })
}

function start(textarea) {
  if (textarea.closest(".prose-editor")) return
  const words = JSON.parse(textarea.dataset.richText || "{}")
  const wrapper = crel("div", { className: "prose-editor rich-text" })
  textarea.before(wrapper)
  wrapper.append(textarea)
  const label = document.querySelector(`label[for="${textarea.id}"]`)
  if (label && !label.id) label.id = `${textarea.id}-label`
  const attributes = { role: "textbox", "aria-multiline": "true" }
  if (label) attributes["aria-labelledby"] = label.id
  const described = textarea.getAttribute("aria-describedby")
  if (described) attributes["aria-describedby"] = described
  if (textarea.getAttribute("aria-invalid")) attributes["aria-invalid"] = "true"

  const editor = new Editor({
    element: wrapper,
    injectCSS: false,
    editorProps: { attributes, transformPastedHTML: cleanPastedHTML },
    extensions: [
      Document,
      Paragraph,
      Text,
      HardBreak,
      Dropcursor,
      Gapcursor,
      History,
      // Buttons only, no drop-down: every one reachable by Tab and named (translateMenu).
      Menu.configure({
        groups: [
          { group: "blockType -lists" },
          { group: "lists" },
          { group: "nodes -blockType -lists" },
          { group: "marks" },
          { group: "link" },
          { group: "history" },
        ],
      }),
      Bold,
      Italic,
      Underline,
      Strike,
      Heading.configure({ levels: [2, 3, 4] }),
      BulletList,
      OrderedList.configure({ enableListAttributes: false }),
      ListItem,
      Blockquote,
      HorizontalRule,
      Link.configure({ enableTarget: false }),
      // Only our own pictures are pictures; false: not this rule; null: this rule, and the
      // attributes (src, alt) are read as Tiptap's Image reads them.
      Image.extend({
        parseHTML: () => [
          { tag: "img[src]", getAttrs: (img) => (OWN_PICTURE.test(img.getAttribute("src")) ? null : false) },
        ],
      }).configure({ inline: false, allowBase64: false }),
    ],
    content: textarea.value,
    onUpdate({ editor }) {
      textarea.value = actuallyEmpty(editor.getHTML())
    },
  })

  if (label) label.addEventListener("click", () => editor.commands.focus())
  // The menu is built when the editor is created (after this function returns).
  editor.on("create", () => {
    addPictureButton(wrapper, textarea, editor, words)
    translateMenu(wrapper, words)
    // A toolbar button pressed right after selecting text with the keyboard: ProseMirror
    // reads the browser's selection a moment later, and the button's command would act on
    // the selection before (and put it back). Read it now, and keep the focus in the text.
    const menubar = wrapper.querySelector(".prose-menubar")
    // Toggle buttons say whether they are on, for screen readers as for eyes (the class).
    const states = () => {
      for (const button of wrapper.querySelectorAll(".prose-menubar__button[data-name]")) {
        if (!ACTIONS.has(button.dataset.name)) {
          button.setAttribute("aria-pressed", String(button.classList.contains("active")))
        }
        button.setAttribute("aria-disabled", String(button.classList.contains("disabled")))
      }
    }
    editor.on("transaction", states)
    states()
    // A link just put on the selected words: the caret goes after it, as in a word processor,
    // so that what is typed next follows the link instead of replacing its words.
    editor.on("transaction", ({ transaction }) => {
      const linked = transaction.steps.some((step) => {
        const json = step.toJSON()
        return json.stepType === "addMark" && json.mark?.type === "link"
      })
      const { selection } = editor.state
      if (linked && !selection.empty) {
        editor.chain().focus().setTextSelection(selection.to).unsetMark("link").run()
      }
    })
    if (menubar) rovingFocus(menubar)
    menubar?.addEventListener(
      "mousedown",
      (event) => {
        if (!event.target.closest("button")) return
        event.preventDefault()
        editor.view.domObserver?.flush?.()
      },
      true,
    )
  })
  textarea.dataset.richTextReady = "1"
  return editor
}

for (const textarea of document.querySelectorAll("textarea[data-rich-text]")) {
  try {
    start(textarea)
  } catch (error) {
    // The textarea stays: the post can still be written, as HTML.
    console.error("rich-text editor:", error)
  }
}
