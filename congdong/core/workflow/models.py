"""The one transition model: every move of every workflow is a row with the same fields.

A workflow's transition model subclasses `Transition`, adds its key to the subject with
`subject_key` (and any field its workflow needs besides, e.g. feedback's units), names its
graph and that key, and takes its `Meta` from `transition_meta` (its names):

    class TakedownTransition(Transition):
        graph = TAKEDOWN_STATES
        subject = "request"
        request = subject_key(TakedownRequest, kept_by_law=True)

        Meta = transition_meta(_("takedown request state change"), _("…state changes"))

`move()` (core.workflow.move) then finds it from the subject's model.
"""

from __future__ import annotations

from functools import partialmethod
from typing import TYPE_CHECKING, Any, ClassVar

from django.db import models
from django.db.models.signals import class_prepared
from django.utils.translation import gettext_lazy as _

from congdong.core.models import acting_account
from congdong.core.workflow.graph import StateGraph

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

STATE_LENGTH = 20

# subject model → its transition model, filled as transition models are prepared.
_TRANSITIONS: dict[type[models.Model], type[Transition]] = {}


def subject_key(to: type[models.Model], *, kept_by_law: bool = False) -> models.ForeignKey:
    """The key of a transition row to its subject. The history goes with its subject
    (CASCADE), except for the registers the law makes the page keep (takedown requests, data
    requests, breaches: PROTECT, their history may never be deleted with them)."""
    return models.ForeignKey(
        to,
        on_delete=models.PROTECT if kept_by_law else models.CASCADE,
        related_name="transitions",
    )


class Transition(models.Model):
    """One move of a subject: from which state (blank for its birth) to which, by whom (None
    when the worker made it), why, and when. The audit log and the history people read."""

    from_state = models.CharField(_("from"), max_length=STATE_LENGTH, blank=True)
    to_state = models.CharField(_("to"), max_length=STATE_LENGTH)
    actor = acting_account(_("by"))
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("at"), db_index=True)

    graph: ClassVar[StateGraph]
    subject: ClassVar[str]

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{getattr(self, self.subject + '_id')}: {self.from_state or '∅'} → {self.to_state}"

    def subject_id(self) -> Any:
        return getattr(self, f"{self.subject}_id")


def transition_meta(
    verbose_name: StrOrPromise, verbose_name_plural: StrOrPromise
) -> type[Transition.Meta]:
    """The `Meta` of a transition model: its names, with Transition's ordering."""
    return type(
        "Meta",
        (Transition.Meta,),
        {"verbose_name": verbose_name, "verbose_name_plural": verbose_name_plural},
    )


def _prepared(sender: type[models.Model], **kwargs: Any) -> None:
    """A concrete transition model: its state fields take the graph's choices (labels for
    templates and admin), and it is registered for its subject's model."""
    if not issubclass(sender, Transition) or sender._meta.abstract:
        return
    choices = _choices_of(sender.graph)
    for name in ("from_state", "to_state"):
        state_field = sender._meta.get_field(name)
        state_field.choices = choices
        if f"get_{name}_display" not in sender.__dict__:
            setattr(
                sender,
                f"get_{name}_display",
                partialmethod(sender._get_FIELD_display, field=state_field),
            )
    subject = sender._meta.get_field(sender.subject).remote_field.model
    _TRANSITIONS[subject] = sender


def _choices_of(graph: StateGraph) -> Any:
    if graph.choices_class is not None:
        return list(graph.choices_class.choices)
    return [(s, s) for s in sorted(graph.states)]


class_prepared.connect(_prepared)


def transition_model(subject_model: type[models.Model]) -> type[Transition]:
    """The transition model of `subject_model`'s workflow."""
    for model in subject_model.__mro__:
        if model in _TRANSITIONS:
            return _TRANSITIONS[model]
    raise LookupError(f"{subject_model.__name__} has no transition model")
