"""deal_rows.py - deals for the suites of what hangs off a deal (collections, problems).

insert_deal() is the one place a suite makes a deal: a row of the deals table written by
SQL (migration 017's columns), so that these suites stand apart from the deal commands; once
`salespm deal` is merged, this one function can make its deals through them instead."""
import datetime

EPOCH = datetime.date(1970, 1, 1)


def day_number(iso):
    """A YYYY-MM-DD date as the days since 1970-01-01 the tables hold."""
    return (datetime.date.fromisoformat(iso) - EPOCH).days


def insert_deal(ws, project, customer, owner, amount_minor, stage="won", won_on="2026-02-10",
                title=None, segment=None, channel=None):
    """A deal of project (code) for customer (name) owned by owner (login) worth
    amount_minor, at stage (won: won_on set, the standard won stage); its id."""
    won = day_number(won_on) if stage == "won" else None
    rows = ws.sql(
        "INSERT INTO deals (project_id, title, customer_id, owner_id, channel_id, segment_id, "
        "stage, probability_bp, amount_minor, won_on, stage_changed_at, created_by, created_at, "
        "updated_at) VALUES ((SELECT id FROM projects WHERE code = ?), ?, "
        "(SELECT id FROM customers WHERE name = ?), (SELECT id FROM users WHERE login = ?), "
        "(SELECT id FROM channels WHERE code = ?), (SELECT id FROM segments WHERE code = ?), "
        "?, ?, ?, ?, 0, 1, 0, 0) RETURNING id",
        project, title or f"{customer} deal", customer, owner, channel, segment, stage,
        10000 if stage == "won" else 5000, amount_minor, won)
    return rows[0][0]


class _SqliteFile:
    """What insert_deal needs of a Workspace, over a SQLite file (the e2e suites' databases)."""

    def __init__(self, path):
        self.path = path

    def sql(self, statement, *params):
        import sqlite3
        con = sqlite3.connect(self.path, timeout=30)
        try:
            rows = con.execute(statement, params).fetchall()
            con.commit()
            return rows
        finally:
            con.close()


if __name__ == "__main__":
    # python3 tests/lib/deal_rows.py DB PROJECT CUSTOMER OWNER AMOUNT_MINOR [STAGE [WON_ON [TITLE]]]
    # (the e2e suites): prints the new deal's id
    import sys
    a = sys.argv[1:]
    print(insert_deal(_SqliteFile(a[0]), a[1], a[2], a[3], int(a[4]),
                      stage=a[5] if len(a) > 5 else "won",
                      won_on=a[6] if len(a) > 6 else "2026-02-10",
                      title=a[7] if len(a) > 7 else None))
