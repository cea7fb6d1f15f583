"""P1: the wizard, the office's walk-ins and imports, the queue, the participant page and documents."""

from ..cases import Case, Table, kecamatan, mine, roles

P = lambda w, s: [w.of[s].participant.pk]  # noqa: E731

CASES: Table = {
    "registration:wizard": Case(roles(403, entrepreneur="->home")),
    "registration:fix": Case(roles(404)),
    "registration:mine": Case(roles(404, entrepreneur=200)),
    # no pk: the entrepreneur's own record only; an empty POST is refused by the rules (no address, no contact)
    "registration:my_contact": Case(roles(404, entrepreneur=200), post=roles(404, entrepreneur=400)),
    "registration:wizard_step": Case(roles(403, entrepreneur="->home"), args=lambda w, s: ["person"]),
    "registration:assisted": Case(
        roles(403, mentor=200, secretariat=200), post=roles(403, mentor=200, secretariat=200)
    ),
    "registration:walk_in_receipt": Case(
        roles(404, mentor=kecamatan(), secretariat=kecamatan()), args=lambda w, s: [w.of[s].registration.reference]
    ),
    "registration:import_upload": Case(
        roles(403, mentor=200, secretariat=200), post=roles(403, mentor=400, secretariat=400)
    ),
    "registration:imports": Case(roles(403, mentor=200, secretariat=200)),
    "registration:import_template": Case(roles(403, mentor=200, secretariat=200)),
    "registration:import": Case(
        roles(403, mentor=kecamatan(), secretariat=kecamatan()),
        args=lambda w, s: [w.imports[s].pk],
        post=roles(403, mentor=(400, 400, 404), secretariat=(400, 400, 404)),
    ),
    "registration:import_status": Case(
        roles(403, mentor=kecamatan(), secretariat=kecamatan()), args=lambda w, s: [w.imports[s].pk]
    ),
    "registration:queue": Case(roles(403, secretariat=200, agency=200, admin=200)),
    "registration:participants": Case(roles(200, entrepreneur=403, partner=403)),
    "registration:participant": Case(
        roles(kecamatan(), entrepreneur=mine(), agency=200, partner=404, admin=200),
        args=P,
        post=roles(
            "->registration:participant",
            entrepreneur=(403, 404, 404),
            mentor=(403, 403, 404),
            secretariat=("->registration:participant", "->registration:participant", 404),
            partner=404,
        ),
    ),
    "registration:add_documents": Case(
        roles(405),
        args=P,
        post=roles(
            ("->registration:participant", "->registration:participant", 404),
            entrepreneur=(403, 404, 404),
            agency="->registration:participant",
            partner=404,
            admin="->registration:participant",
        ),
    ),
    "registration:document": Case(
        roles(kecamatan(), entrepreneur=mine(), agency=200, partner=404, admin=200),
        args=lambda w, s: [w.of[s].plan.public_id],
    ),
}
