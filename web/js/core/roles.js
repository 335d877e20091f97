// Which roles get which tablet screens. Each list is the server's list of writers of that feature's records, so a
// screen is offered only to someone whose changes the server accepts; the router (app.js), the home and the
// customer file read them from here.

// Who may write customer files (server/sync/entities.py CUSTOMER_WRITERS): they get the customer screens.
export const CUSTOMER_ROLES = ['receptionist', 'consultant', 'account_manager', 'manager', 'admin'];
// Who may fill in and sign a delivery (server/sync/entities.py HANDOVER_WRITERS): they get the handover screens.
export const HANDOVER_ROLES = ['consultant', 'manager'];
// Who may write needs analyses and walk-arounds (server/sync/entities.py): they get the walk-around screens.
export const WALKAROUND_ROLES = ['consultant', 'manager'];
// Who takes customers out in the fleet (signing a drive needs an escort: server/workflow/test_drive.py).
export const TEST_DRIVE_ROLES = ['escort'];
