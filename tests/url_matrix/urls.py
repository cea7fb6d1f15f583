"""Every URL pattern of the site, walked from the root URLconf through its includes."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Pattern:
    key: str  # the URL name with its namespaces ("mentoring:participant"), or "route:<route>" when it has none
    route: str

    @property
    def family(self) -> str:
        """ "admin" (Django's admin), "api" (under /api/) or "site"."""
        if self.route.startswith("admin/"):
            return "admin"
        if self.route.startswith("api/"):
            return "api"
        return "site"


def patterns() -> list[Pattern]:
    found: list[Pattern] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry, route, inner)
            elif isinstance(entry, URLPattern):
                key = f"route:{route}"
                if entry.name:
                    key = f"{namespace}:{entry.name}" if namespace else entry.name
                found.append(Pattern(key, route))

    walk(get_resolver(), "", "")
    return found
