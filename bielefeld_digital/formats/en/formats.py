# English pages of a German portal: "1 Apr 2023" instead of the ambiguous US "04/01/2023".
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
# The forms show "TT.MM.JJJJ" in both languages; accept that and ISO dates.
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y"]
