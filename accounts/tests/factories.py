import factory

from accounts.models import Role, User
from geography.models import Kecamatan


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.id")
    full_name = factory.Faker("name", locale="id_ID")
    role = Role.ENTREPRENEUR
    password = factory.PostGenerationMethodCall("set_password", "rahasia-Kuat-123")

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805
        if create:
            obj.save()


def office(name: str) -> Kecamatan:
    return Kecamatan.objects.get(name=name)
