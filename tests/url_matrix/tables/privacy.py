"""A participant's data and trail (UU PDP), the breach-notice aid."""

from ..cases import Case, Table, roles, wrote

CASES: Table = {
    "privacy:my_data": Case(roles(403, entrepreneur=200)),
    "privacy:my_data_json": Case(roles(405)),
    "privacy:my_data_pdf": Case(roles(405)),
    "privacy:trail": Case(roles(403, entrepreneur=200)),
    "privacy:breach": Case(roles(403, agency=200, admin=200)),
    "privacy:my_deletion": Case(
        roles(403, entrepreneur=200), post=roles(403, entrepreneur=wrote("->privacy:my_deletion"))
    ),
    "privacy:deletion_queue": Case(roles(403, agency=200, admin=200), post=roles(405)),
    # no deletion request is made in the world yet (the deletion app is new): a request that does not exist
    "privacy:deletion_decide": Case(
        roles(403, agency=404, admin=404), args=lambda w, s: [999_999], post=roles(403, agency=404, admin=404)
    ),
    # a participant's correction: the empty form names nothing to correct (the world's entrepreneur is registered)
    "privacy:my_correction": Case(roles(403, entrepreneur=200), post=roles(403, entrepreneur=400)),
    "privacy:correction_queue": Case(roles(403, secretariat=200, agency=200, admin=200), post=roles(405)),
    "privacy:correction_decide": Case(
        roles(403, secretariat=404, agency=404, admin=404),
        args=lambda w, s: [999_999],
        post=roles(403, secretariat=404, agency=404, admin=404),
    ),
}
