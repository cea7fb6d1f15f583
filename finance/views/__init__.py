"""P6's pages by area: `records` (monthly reports, charts, class), `books` (cash book, money owed), `imports`,
`statements` (PDF and the public verification page). Each area's URLs are in `finance/urls/<area>.py`."""
