"""Which schools the Bielefeld plan covers: a rule over the directory's data.

"Die städtischen allgemeinbildenden Schulen" of the Medienentwicklungsplan are
the Stadt Bielefeld's schools of the general-education forms that are in
operation on a given day (`School.objects.in_scope`). These are the plan's
defaults until the plan model carries its own.
"""

# Traegernummer of the Stadt Bielefeld in the NRW school directory.
BIELEFELD_AUTHORITY_NUMBER = "10261"

# Grundschule, Hauptschule, Förderschule, Realschule, Sekundarschule, Gesamtschule,
# Gymnasium, Weiterbildungskolleg: general education, so no Berufskolleg (30).
BIELEFELD_SCHOOL_FORMS: tuple[str, ...] = ("02", "04", "08", "10", "14", "15", "20", "25")
