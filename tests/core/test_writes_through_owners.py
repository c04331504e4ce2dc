"""Every row is created, changed or deleted by its own app (issue 17.4): an app that needs another
app's rows written calls that app's action (campaign copies through `posts`, erasure through each
app's `erase_*`, notifications through `notify()`). This guard reads the product's modules
(congdong/<app>/**.py; migrations, demo data, the scenario and benchmarks left out: `LEFT_OUT`)
and fails on a write to a model of another app:

- `<Model>.objects.<write>(…)`, through any manager and any chain of query set methods
  (`create`, `bulk_create`, `bulk_update`, `get_or_create`, `update_or_create`, `update`,
  `delete`);
- `<qs>.update(…)` / `<qs>.delete()` on a variable holding such a query set;
- `<instance>.save()` / `<instance>.delete()` on an instance of such a model: made by
  `<Model>(…)`, fetched (`get`, `first`, a `for` over a query set), taken in as an annotated
  parameter (`post: Post`), or reached through a relation (`comment.post`, `user.follows`);
- `add`/`remove`/`set`/`clear` on a many-to-many relation whose table is another app's.

Names are resolved as Python resolves them: the module's imports (also inside functions) and
globals, attribute by attribute, down to a model class; the model's app is the package that
defines it (`congdong.<app>.…`). What cannot be resolved (a `type(subject)` in the workflow
mechanism, which writes the calling app's own rows) is not counted.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import models

import congdong

PACKAGE = Path(congdong.__file__).parent
# Folders of the package that are not the product's write paths, and why (the demo, the
# benchmarks and the conference scenario live outside it, in congdong_tools).
LEFT_OUT = {
    "migrations": "data migrations run on historical models",
    "locale": "no code",
    "static": "no code",
    "templates": "no code",
}

# Writes on a manager or a query set.
QS_WRITES = {
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
    "update",
    "delete",
    "_raw_delete",
}
# Writes on an instance (and on a related manager of a many-to-many relation).
INSTANCE_WRITES = {"save", "delete"}
M2M_WRITES = {"add", "remove", "set", "clear"}
# Query set methods that give one instance.
GIVES_INSTANCE = {"get", "first", "last", "earliest", "latest", "create"}
# Query set methods that give something other than a query set or an instance.
GIVES_OTHER = {
    "count",
    "exists",
    "aggregate",
    "in_bulk",
    "iterator",
    "values",
    "values_list",
    "explain",
    "contains",
}

# Where an app writes another's rows on purpose: ("congdong/<app>/<module>.py", "<app>.<Model>")
# and the reason. Keep it short; none today.
ALLOWED: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Found:
    module: str  # congdong/<app>/….py
    line: int
    writer: str  # the app of the module
    owner: str  # the app of the model
    model: str
    code: str

    def __str__(self) -> str:
        where = f"{self.module}:{self.line}"
        return f"{where}: {self.writer} writes {self.owner}.{self.model}: {self.code}"


def app_of_model(model: type[models.Model]) -> str | None:
    parts = model.__module__.split(".")
    if parts[0] != "congdong" or len(parts) < 2:
        return None  # Django's own and third-party models
    return parts[1]


def is_model(value: Any) -> bool:
    return (
        inspect.isclass(value)
        and issubclass(value, models.Model)
        and hasattr(value, "_meta")
        and not value._meta.abstract
        and app_of_model(value) is not None
    )


# The kinds of values the scan follows: a model class, a query set (or manager) of a model, an
# instance of a model, a Python object (a module, a function) to look attributes up on.
@dataclass(frozen=True)
class Cls:
    model: type[models.Model]


@dataclass(frozen=True)
class QS:
    model: type[models.Model]
    # For a many-to-many relation: the table that `add`/`remove`/`set`/`clear` write.
    through: type[models.Model] | None = None


@dataclass(frozen=True)
class Inst:
    model: type[models.Model]


@dataclass(frozen=True)
class Obj:
    value: Any


@dataclass(frozen=True)
class Typed:
    """An instance of a class of ours that is not a model (a checked `check_*` result): its
    attributes have the types its annotations say."""

    cls: type


def ours(cls: type) -> bool:
    return cls.__module__.split(".")[0] == "congdong"


def wrap(value: Any):
    if is_model(value):
        return Cls(value)
    if value is None:
        return None
    return Obj(value)


def _import(dotted: str) -> Any:
    try:
        return importlib.import_module(dotted)
    except ImportError:
        return None


def _import_from(base: str, name: str) -> Any:
    module = _import(base)
    if module is None:
        return None
    if hasattr(module, name):
        return getattr(module, name)
    return _import(f"{base}.{name}")


class Scan(ast.NodeVisitor):
    def __init__(self, module: str, writer: str, source: str, package: str | None):
        self.module, self.writer, self.source, self.package = module, writer, source, package
        self.found: list[Found] = []
        self.scopes: list[dict[str, Any]] = [{}]
        # The module's globals first (classes and constants it defines), then its imports.
        self.globals: dict[str, Any] = {}
        dotted = module.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        if module.startswith("congdong/") and (loaded := _import(dotted)):
            self.globals = vars(loaded)
        self.imports: dict[str, Any] = {}

    # --- names ---------------------------------------------------------------------------------

    def bind_import(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self.imports[alias.asname] = _import(alias.name)
                else:
                    top = alias.name.split(".")[0]
                    _import(alias.name)
                    self.imports[top] = _import(top)
            return
        base = node.module or ""
        if node.level and self.package:
            parent = self.package.rsplit(".", node.level - 1)[0] if node.level > 1 else self.package
            base = f"{parent}.{base}" if base else parent
        for alias in node.names:
            self.imports[alias.asname or alias.name] = _import_from(base, alias.name)

    def lookup(self, name: str):
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        if name in self.imports:
            return wrap(self.imports[name])
        if name in self.globals:
            return wrap(self.globals[name])
        return None

    def bind(self, target: ast.expr, kind) -> None:
        if isinstance(target, ast.Name):
            self.scopes[-1][target.id] = kind
        elif isinstance(target, ast.Tuple | ast.List):
            # `obj, created = M.objects.get_or_create(...)`; anything else unpacked is unknown.
            for i, element in enumerate(target.elts):
                self.bind(element, kind if i == 0 and isinstance(kind, Inst) else None)

    # --- types ---------------------------------------------------------------------------------

    def annotation(self, node: ast.expr | None):
        """The model of an annotation `Post`, `"Post"`, `Post | None`, `QuerySet[Post]`."""
        if node is None:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                node = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                return None
        if isinstance(node, ast.BinOp):  # X | None
            return self.annotation(node.left) or self.annotation(node.right)
        if isinstance(node, ast.Subscript):
            inner = self.annotation(node.slice)
            outer = self.kind(node.value)
            name = getattr(getattr(outer, "value", None), "__name__", "")
            if isinstance(inner, Inst) and name in {"QuerySet", "Manager"}:
                return QS(inner.model)
            return None
        kind = self.kind(node)
        if isinstance(kind, Cls):
            return Inst(kind.model)
        if isinstance(kind, Obj) and inspect.isclass(kind.value) and ours(kind.value):
            return Typed(kind.value)
        return None

    def typed(self, cls: type, name: str):
        """The type of attribute `name` of an instance of `cls`, by the class's annotations."""
        for klass in cls.__mro__:
            annotation = vars(klass).get("__annotations__", {}).get(name)
            if annotation is not None:
                return self.annotation_in(annotation, klass.__module__)
        return None

    def annotation_in(self, annotation: Any, module: str):
        if not isinstance(annotation, str):
            return Inst(annotation) if is_model(annotation) else None
        home = _import(module)
        if home is None:
            return None
        sub = Scan("", "", "", None)
        sub.globals = vars(home)
        try:
            return sub.annotation(ast.parse(annotation, mode="eval").body)
        except SyntaxError:
            return None

    def returns(self, function: Any):
        """What a called function of the product gives, by its return annotation."""
        if inspect.isclass(function):
            return Typed(function) if ours(function) else None
        annotation = getattr(function, "__annotations__", {}).get("return")
        if annotation is None:
            return None
        return self.annotation_in(annotation, getattr(function, "__module__", "") or "")

    def kind(self, node: ast.expr):
        if isinstance(node, ast.Name):
            return self.lookup(node.id)
        if isinstance(node, ast.Attribute):
            base = self.kind(node.value)
            if isinstance(base, Obj):
                return wrap(getattr(base.value, node.attr, None))
            if isinstance(base, Cls):
                attribute = getattr(base.model, node.attr, None)
                if isinstance(attribute, models.Manager):
                    return QS(base.model)
                return wrap(attribute)
            if isinstance(base, Inst):
                return self.relation(base.model, node.attr)
            if isinstance(base, Typed):
                return self.typed(base.cls, node.attr)
            return None
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute):
                base = self.kind(func.value)
                if isinstance(base, QS):
                    # `get_or_create` gives (instance, created): `bind` takes the first.
                    if func.attr in GIVES_INSTANCE | {"get_or_create", "update_or_create"}:
                        return Inst(base.model)
                    if func.attr in GIVES_OTHER or func.attr in QS_WRITES - {"create"}:
                        return None
                    return QS(base.model)
                if isinstance(base, Cls) and func.attr in {"from_db"}:
                    return Inst(base.model)
            called = self.kind(func)
            if isinstance(called, Cls):
                return Inst(called.model)
            if isinstance(called, Obj) and callable(called.value):
                return self.returns(called.value)
            return None
        if isinstance(node, ast.Subscript):  # qs[0], qs[:10]
            base = self.kind(node.value)
            if isinstance(base, QS):
                return QS(base.model) if isinstance(node.slice, ast.Slice) else Inst(base.model)
            return None
        if isinstance(node, ast.Await):
            return self.kind(node.value)
        return None

    def relation(self, model: type[models.Model], name: str):
        try:
            field = model._meta.get_field(name)
        except Exception:
            # A reverse relation is reached by its accessor name (`related_name` or `<x>_set`).
            for field in model._meta.get_fields():
                reverse = field.auto_created and not field.concrete
                if reverse and field.get_accessor_name() == name:
                    break
            else:
                return None
        related = field.related_model
        if related is None or not is_model(related):
            return None
        if field.many_to_many:
            through = (field.remote_field if field.concrete else field).through
            return QS(related, through=through)
        if field.one_to_many:
            return QS(related)
        return Inst(related)

    # --- visiting ------------------------------------------------------------------------------

    def report(self, node: ast.AST, model: type[models.Model]) -> None:
        owner = app_of_model(model)
        if owner and owner != self.writer:
            code = ast.get_source_segment(self.source, node) or ast.unparse(node)
            self.found.append(
                Found(
                    self.module,
                    node.lineno,
                    self.writer,
                    owner,
                    model.__name__,
                    " ".join(code.split())[:120],
                )
            )

    def visit_Import(self, node: ast.Import) -> None:
        self.bind_import(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self.bind_import(node)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        self.scopes.append({})
        arguments = node.args
        for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
            self.scopes[-1][arg.arg] = self.annotation(arg.annotation)
        for statement in node.body:
            self.visit(statement)
        self.scopes.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.scopes.append({arg.arg: None for arg in node.args.args})
        self.visit(node.body)
        self.scopes.pop()

    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        for target in node.targets:
            pairs = (
                isinstance(target, ast.Tuple)
                and isinstance(node.value, ast.Tuple)
                and len(target.elts) == len(node.value.elts)
            )
            if pairs:  # `citizen, now = e.citizen, e.now`
                for element, value in zip(target.elts, node.value.elts, strict=True):
                    self.bind(element, self.kind(value))
            else:
                self.bind(target, self.kind(node.value))

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value:
            self.visit(node.value)
        if isinstance(node.target, ast.Name):
            kind = self.annotation(node.annotation)
            if kind is None and node.value is not None:
                kind = self.kind(node.value)
            self.scopes[-1][node.target.id] = kind

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        self.bind(node.target, self.kind(node.value))

    def _each(self, target: ast.expr, iterable: ast.expr) -> None:
        kind = self.kind(iterable)
        self.bind(target, Inst(kind.model) if isinstance(kind, QS) else None)

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self.visit(node.iter)
        self._each(node.target, node.iter)
        for statement in [*node.body, *node.orelse]:
            self.visit(statement)

    visit_AsyncFor = visit_For

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            self.visit(item.context_expr)
            if item.optional_vars is not None:
                self.bind(item.optional_vars, None)
        for statement in node.body:
            self.visit(statement)

    visit_AsyncWith = visit_With

    def _comprehension(self, node, *elements: ast.expr) -> None:
        self.scopes.append({})
        for generator in node.generators:
            self.visit(generator.iter)
            self._each(generator.target, generator.iter)
            for condition in generator.ifs:
                self.visit(condition)
        for element in elements:
            self.visit(element)
        self.scopes.pop()

    def visit_ListComp(self, node: ast.ListComp) -> None:
        self._comprehension(node, node.elt)

    visit_SetComp = visit_GeneratorExp = visit_ListComp

    def visit_DictComp(self, node: ast.DictComp) -> None:
        self._comprehension(node, node.key, node.value)

    def visit_Call(self, node: ast.Call) -> None:
        self.generic_visit(node)
        func = node.func
        if not isinstance(func, ast.Attribute):
            return
        base = self.kind(func.value)
        if isinstance(base, QS):
            if func.attr in QS_WRITES:
                self.report(node, base.model)
            elif base.through is not None and func.attr in M2M_WRITES:
                self.report(node, base.through)
        elif isinstance(base, Inst) and func.attr in INSTANCE_WRITES:
            self.report(node, base.model)


def app_of_module(relative: Path) -> str | None:
    """The app a module of the package belongs to; None for left-out and top-level modules."""
    parts = relative.parts
    if len(parts) < 2 or any(part in LEFT_OUT for part in parts):
        return None
    return parts[0]


def scan_source(source: str, module: str, writer: str, package: str | None = None) -> list[Found]:
    scan = Scan(module, writer, source, package)
    scan.visit(ast.parse(source))
    return scan.found


def product_modules() -> list[tuple[Path, str]]:
    """The modules the check reads, with their app."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        app = app_of_module(path.relative_to(PACKAGE))
        if app:
            found.append((path, app))
    return found


def cross_app_writes(root: Path = PACKAGE) -> list[Found]:
    """Every write of a module of the apps under `root` to another app's model."""
    found = []
    for path in sorted(root.rglob("*.py")):
        app = app_of_module(path.relative_to(root))
        if app is None:
            continue
        relative = path.relative_to(root.parent)
        package = ".".join(relative.with_suffix("").parts[:-1])
        found += scan_source(path.read_text(encoding="utf-8"), relative.as_posix(), app, package)
    return found


def check(sites: list[Found]) -> None:
    found = [str(s) for s in sites if (s.module, f"{s.owner}.{s.model}") not in ALLOWED]
    assert not found, (
        "Write another app's rows through that app's actions (issue 17.4):\n" + "\n".join(found)
    )


def test_no_app_writes_another_apps_models():
    check(cross_app_writes())


PLANTED = """
import datetime

from congdong.accounts.models import User
from congdong.engagement import models as engagement_models
from congdong.engagement.models import Comment, Notification
from congdong.posts.models import Post, PostTransition
from congdong.privacy.models import ConsentRecord


def tell(user_id: int, at: datetime.datetime) -> None:
    Notification.objects.bulk_create([Notification(recipient_id=user_id, created_at=at)])
    rows = Comment.objects.filter(author_id=user_id).exclude(body="")
    rows.update(body="")
    engagement_models.Reaction.objects.filter(user_id=user_id).delete()


def copy(source: Post, user: User) -> None:
    made = Post(page_id=source.page_id, title=source.title)
    made.save()
    PostTransition.objects.create(post=made, to_state="published")
    source.page.save(update_fields=["name"])
    for comment in Comment.objects.filter(post=source):
        comment.delete()
    first = Post.objects.filter(page_id=source.page_id).first()
    first.save()
    account, _made = User.objects.get_or_create(username="x")
    account.save()
    user.follows.all().delete()
    revision = source.revisions.first()
    revision.editors.add(user)


def own(user: User, at: datetime.datetime) -> None:
    ConsentRecord.objects.filter(user=user).update(withdrawn_at=at)
    consent = ConsentRecord.objects.create(user=user, purpose="digest")
    consent.save()
    Post.objects.filter(page_id=1).count()
    Comment.objects.filter(author=user).values_list("pk", flat=True)
    user.get_full_name()
"""


def planted_lines(source: str) -> dict[int, str]:
    found = scan_source(source, "congdong/privacy/planted.py", "privacy", "congdong.privacy")
    return {site.line: f"{site.owner}.{site.model}" for site in found}


def test_the_guard_finds_every_kind_of_write_to_another_apps_models():
    """A planted module of privacy that writes engagement's, posts' and accounts' rows in each
    way the guard knows; its own rows (and reads) are not counted."""
    assert planted_lines(PLANTED) == {
        12: "engagement.Notification",  # Model.objects.bulk_create
        14: "engagement.Comment",  # a query set held in a variable
        15: "engagement.Reaction",  # through a module alias
        20: "posts.Post",  # an instance made here
        21: "posts.PostTransition",  # Model.objects.create
        22: "pages.Page",  # through a relation of an annotated parameter
        24: "engagement.Comment",  # each instance of a query set
        26: "posts.Post",  # an instance fetched
        27: "accounts.User",  # get_or_create
        28: "accounts.User",  # …and the instance it gave
        29: "engagement.Follow",  # a reverse relation's query set
        31: "posts.PostRevision_editors",  # a many-to-many relation's table
    }


def test_the_check_fails_on_a_planted_violation_in_an_apps_module(tmp_path):
    """The product's check, run over a package holding the planted module, fails and names
    each write."""
    planted = tmp_path / "congdong" / "privacy" / "planted.py"
    planted.parent.mkdir(parents=True)
    planted.write_text(PLANTED, encoding="utf-8")
    (tmp_path / "congdong" / "privacy" / "migrations").mkdir()
    (tmp_path / "congdong" / "privacy" / "migrations" / "0002_data.py").write_text(
        PLANTED, encoding="utf-8"
    )  # left out: migrations
    sites = cross_app_writes(tmp_path / "congdong")
    assert len(sites) == 12
    with pytest.raises(AssertionError) as failed:
        check(sites)
    assert (
        "congdong/privacy/planted.py:12: privacy writes engagement.Notification: "
        "Notification.objects.bulk_create(" in str(failed.value)
    )


def test_the_guard_reads_the_apps_and_knows_whose_models_they_are():
    modules = {path.relative_to(PACKAGE).as_posix(): app for path, app in product_modules()}
    assert modules["privacy/actions.py"] == "privacy"
    assert modules["engagement/actions/notify.py"] == "engagement"
    assert "campaigns/actions.py" in modules and "insights/channel_import.py" in modules
    assert not any(m.startswith(("bench/", "demo/")) or "/migrations/" in m for m in modules)
    from congdong.engagement.models import Notification
    from congdong.posts.models import Post

    assert (app_of_model(Notification), app_of_model(Post)) == ("engagement", "posts")


if __name__ == "__main__":  # pragma: no cover - `python -m` for the count in a report
    import django

    django.setup()
    sites = cross_app_writes()
    for site in sites:
        print(site)
    print(len(sites), "cross-app write sites")
