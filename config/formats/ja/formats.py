"""Japanese date formats used by every template (`|date:"DATE_FORMAT"` etc.): Django's own, with a space
before the time so that 「2026年12月5日 9:30」 reads the same in every table."""

DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"
MONTH_DAY_FORMAT = "n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
SHORT_DATE_FORMAT = "Y/m/d"
SHORT_DATETIME_FORMAT = "Y/m/d H:i"
TIME_FORMAT = "H:i"
