"""django-fsm-2 models that are safe to refresh from several threads at once.

django-fsm-2's `FSMModelMixin.refresh_from_db` sets `protected = False` on the *shared* field object (one per model
class, not per instance), refreshes, then sets it back. Two threads of one process (gunicorn threads, two sweepers)
interleave: one sets it back while the other is assigning the field, which then raises
"Direct status modification is not allowed" — a 500 for the user. This mixin refreshes by reading a fresh instance
and copying its values, never touching the field object.
"""

from __future__ import annotations

from django_fsm import ConcurrentTransitionMixin


class ConcurrentSafeRefreshMixin(ConcurrentTransitionMixin):
    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        qs = from_queryset if from_queryset is not None else type(self)._base_manager.all()
        fresh = qs.using(using or self._state.db).get(pk=self.pk)
        wanted = set(fields) if fields else None
        for f in self._meta.concrete_fields:
            if wanted is None or f.attname in wanted or f.name in wanted:
                self.__dict__[f.attname] = fresh.__dict__.get(f.attname)
                if f.is_relation:
                    self._state.fields_cache.pop(f.name, None)
        if wanted is None:
            self._state.fields_cache.clear()
            if hasattr(self, "_prefetched_objects_cache"):
                self._prefetched_objects_cache.clear()
        self._state.db = fresh._state.db
        self._update_initial_state()
