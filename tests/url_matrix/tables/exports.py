"""The one export machinery's pages."""

from ..cases import Case, Table, mine, roles

CASES: Table = {
    "exports:list": Case(roles(200)),
    "exports:start": Case(roles(405), post=roles(400)),
    "exports:download": Case(roles(404, secretariat=mine()), args=lambda w, s: [w.exports[s].pk]),
}
