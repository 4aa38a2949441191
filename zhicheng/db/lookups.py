"""`field__any_of=[ids]`: `field = ANY(%s)` with the whole list as ONE array parameter (PostgreSQL), `IN (…)`
elsewhere (issue 17). A name search hands a thousand ids from one step to the next; as `__in` each id is a
placeholder that Django prepares and psycopg splits and quotes one by one — most of a 2-character search's time.
"""

from __future__ import annotations

from django.db.models import Field, ForeignObject, Lookup
from django.db.models.lookups import In


class AnyOf(Lookup):
    lookup_name = "any_of"

    def get_prep_lookup(self):
        field = getattr(self.lhs, "output_field", None)
        prep = field.get_prep_value if field is not None else (lambda v: v)
        return [prep(v) for v in self.rhs]

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql":
            return In(self.lhs, self.rhs).as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)  # `applicant_id__any_of`: a foreign key keeps its own lookups
