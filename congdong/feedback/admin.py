from django.contrib import admin

from congdong.feedback.models import Category

# Feedback items are not in the admin on purpose: political opinion is sensitive data (Decree
# 356/2025), read only by the officers handling an item, through views that check and log it.


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """The list citizens choose from; retire a category by unticking `active`, never delete."""

    list_display = ["name", "slug", "active", "order"]
    list_editable = ["active", "order"]
    prepopulated_fields = {"slug": ["name"]}
