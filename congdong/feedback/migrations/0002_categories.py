"""The feedback categories of DOMAIN.md; admins edit the list afterwards."""

from django.db import migrations

CATEGORIES = [
    ("dat-dai", "Đất đai"),
    ("moi-truong", "Môi trường"),
    ("ha-tang-giao-thong", "Hạ tầng, giao thông"),
    ("an-ninh-trat-tu", "An ninh, trật tự"),
    ("an-sinh-xa-hoi", "An sinh xã hội"),
    ("y-te", "Y tế"),
    ("giao-duc", "Giáo dục"),
    ("thu-tuc-hanh-chinh", "Thủ tục hành chính"),
    ("thai-do-can-bo", "Thái độ cán bộ"),
    ("khac", "Khác"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("feedback", "Category")
    for order, (slug, name) in enumerate(CATEGORIES):
        Category.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})


def unseed(apps, schema_editor):
    Category = apps.get_model("feedback", "Category")
    Category.objects.filter(slug__in=[slug for slug, _name in CATEGORIES], feedback=None).delete()


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
