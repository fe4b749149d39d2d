"""The contract pages, one module per part of the contract's life, along the same seams as the services:
`contract` (list, detail, completing), `offers` (terms, agreeing, withdrawing an offer), `changes`,
`milestones`, `hourly` (time, weeks, corrections), `accommodations`, `disputes`, `extras` (ending a
funded milestone by agreement, bonuses, added milestones). Each view authorises with
an `access_*` selector, calls one service and renders; a DomainError becomes a message or a form error and
changes nothing. `urls.py` names the module of each view."""
