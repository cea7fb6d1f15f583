"""Forms of a business's own marketing: they turn what was typed into the values the services take, and show
the services' errors. The rules themselves (links, photos, phone) are the services'; the forms run them early to
show each error beside its field."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import RupiahField
from mentoring.validators import validate_photo

from ..choices import Platform
from ..models import PRICE_POSITIVE, Listing, Product
from ..services.products import ListingData, ProductData, check_store_url


class ListingForm(forms.ModelForm[Listing]):
    class Meta:
        model = Listing
        fields = ["public_name", "description", "public_phone", "public_email", "eorder_url", "published"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "public_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "eorder_url": forms.URLInput(attrs={"placeholder": "https://"}),
        }
        help_texts = {
            "public_email": _("Optional: buyers may write to it."),
            "published": _("Shown in the public catalogue with your curated products. Untick to hide it."),
        }

    def data_values(self) -> ListingData:
        data = self.cleaned_data
        return ListingData(
            public_name=data["public_name"],
            description=data["description"],
            public_phone=data["public_phone"],
            public_email=data["public_email"],
            eorder_url=data["eorder_url"],
            published=data["published"],
        )


class ProductForm(forms.ModelForm[Product]):
    price = RupiahField(label=_("Price (Rp)"), help_text=_("For example 25.000 or 25 ribu."))

    class Meta:
        model = Product
        fields = ["name", "category", "price", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def clean_price(self) -> int:
        price: int = self.cleaned_data["price"]
        if price < 1:
            raise ValidationError(PRICE_POSITIVE, code="price_positive")
        return price

    def data_values(self) -> ProductData:
        data = self.cleaned_data
        return ProductData(
            name=data["name"], price=data["price"], category=data["category"], description=data["description"]
        )


class PhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Photo"),
        help_text=_("JPEG or PNG. We remove the camera data (such as the place it was taken) before storing it."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def clean_image(self) -> Any:
        upload = self.cleaned_data["image"]
        validate_photo(upload)
        return upload


class PhotoMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Earlier")), ("down", _("Later"))])


class StoreForm(forms.Form):
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    url = forms.CharField(
        label=_("Store link"),
        max_length=300,
        widget=forms.URLInput(attrs={"placeholder": "https://", "inputmode": "url"}),
        help_text=_("The https:// address of your store page on the platform, or of your own site."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("platform") and data.get("url"):
            try:
                data["url"] = check_store_url(data["platform"], data["url"])
            except ValidationError as exc:
                self.add_error(None, exc)
        return data
