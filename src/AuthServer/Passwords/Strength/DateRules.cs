namespace Recovery.AuthServer.Passwords.Strength;

/// <summary>
/// zxcvbn-core 1.1.17's date rules: which digit strings read as a date, its year range (1900–2019 or
/// two digits, the library's), and the entropy of a date. Numbers are read as the library reads them
/// (int.TryParse): a digit that is not ASCII makes the number 0.
/// </summary>
internal static class DateRules
{
    /// <summary>A date with separators: the year, the middle number, the other outer number, and where the match ends.</summary>
    public readonly record struct SeparatedDate(int Year, int Middle, int Outer, int End);

    public static double Entropy(int year, bool separator) =>
        (year < 100 ? Math.Log(37200.0, 2.0) : Math.Log(44268.0, 2.0)) + (separator ? 2.0 : 0.0);

    public static bool IsYear(int year) => year is (>= 1900 and <= 2019) or (> 0 and <= 99);

    public static bool IsMonthDay(int month, int day) => month is >= 1 and <= 12 && day is >= 1 and <= 31;

    /// <summary>A run of 4 to 8 digits that reads as day, month and a 2- or 4-digit year, in either order.</summary>
    public static bool IsDigitOnlyDate(ReadOnlySpan<char> token)
    {
        var date = false;
        if (token.Length <= 6)
        {
            date |= WithYear(token, suffix: true, 2);
            date |= WithYear(token, suffix: false, 2);
        }

        if (token.Length >= 6)
        {
            date |= WithYear(token, suffix: true, 4);
            date |= WithYear(token, suffix: false, 4);
        }

        return date;
    }

    /// <summary>(\d{1,2})(sep)(\d{1,2})\2(19\d{2}|200\d|201\d|\d{2}) at <paramref name="at"/>, with the regular expression's choices.</summary>
    public static SeparatedDate? MatchYearLast(ReadOnlySpan<char> s, int at)
    {
        for (var first = 2; first >= 1; first--)
        {
            if (!Digits(s, at, first) || at + first >= s.Length || !IsSeparator(s[at + first]))
            {
                continue;
            }

            var separator = s[at + first];
            var middleAt = at + first + 1;
            for (var middle = 2; middle >= 1; middle--)
            {
                var yearAt = middleAt + middle + 1;
                if (!Digits(s, middleAt, middle) || yearAt > s.Length || s[yearAt - 1] != separator)
                {
                    continue;
                }

                var year = YearLength(s, yearAt);
                if (year > 0)
                {
                    return new SeparatedDate(Parse(s.Slice(yearAt, year)), Parse(s.Slice(middleAt, middle)), Parse(s.Slice(at, first)), yearAt + year);
                }
            }
        }

        return null;
    }

    /// <summary>(19\d{2}|200\d|201\d|\d{2})(sep)(\d{1,2})\2(\d{1,2}) at <paramref name="at"/>, with the regular expression's choices.</summary>
    public static SeparatedDate? MatchYearFirst(ReadOnlySpan<char> s, int at)
    {
        // The year's alternatives in order: 19\d{2}, 200\d and 201\d (disjoint, four characters), then \d{2}.
        foreach (var year in (ReadOnlySpan<int>)[4, 2])
        {
            var matches = year == 4 ? FourDigitYear(s, at) : Digits(s, at, 2);
            if (!matches || at + year >= s.Length || !IsSeparator(s[at + year]))
            {
                continue;
            }

            var separator = s[at + year];
            var middleAt = at + year + 1;
            for (var middle = 2; middle >= 1; middle--)
            {
                var lastAt = middleAt + middle + 1;
                if (!Digits(s, middleAt, middle) || lastAt > s.Length || s[lastAt - 1] != separator)
                {
                    continue;
                }

                for (var last = 2; last >= 1; last--)
                {
                    if (Digits(s, lastAt, last))
                    {
                        return new SeparatedDate(Parse(s.Slice(at, year)), Parse(s.Slice(middleAt, middle)), Parse(s.Slice(lastAt, last)), lastAt + last);
                    }
                }
            }
        }

        return null;
    }

    // 19\d{2} | 200\d | 201\d: the three are disjoint, so "one of them matches" is the same test.
    private static bool FourDigitYear(ReadOnlySpan<char> s, int at) =>
        at + 4 <= s.Length && (
            (s[at] == '1' && s[at + 1] == '9' && char.IsDigit(s[at + 2]) && char.IsDigit(s[at + 3])) ||
            (s[at] == '2' && s[at + 1] == '0' && (s[at + 2] == '0' || s[at + 2] == '1') && char.IsDigit(s[at + 3])));

    // The year group of the day-first pattern: the first alternative that matches, 4 or 2 characters, or 0.
    private static int YearLength(ReadOnlySpan<char> s, int at) =>
        FourDigitYear(s, at) ? 4 : Digits(s, at, 2) ? 2 : 0;

    private static bool IsSeparator(char c) => char.IsWhiteSpace(c) || c is '-' or '/' or '\\' or '_' or '.';

    private static bool Digits(ReadOnlySpan<char> s, int at, int count)
    {
        if (at + count > s.Length)
        {
            return false;
        }

        for (var k = at; k < at + count; k++)
        {
            if (!char.IsDigit(s[k]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool WithYear(ReadOnlySpan<char> token, bool suffix, int yearLength)
    {
        var year = Parse(suffix ? token[^yearLength..] : token[..yearLength]);
        return IsYear(year) && IsDayMonth(suffix ? token[..^yearLength] : token[yearLength..]);
    }

    private static bool IsDayMonth(ReadOnlySpan<char> s)
    {
        int a = 0, b = 0;
        switch (s.Length)
        {
            case 2:
                a = Parse(s[..1]);
                b = Parse(s[1..]);
                break;
            case 3:
                a = Parse(s[..1]);
                b = Parse(s[1..]);
                if (IsMonthDay(a, b) || IsMonthDay(b, a))
                {
                    return true;
                }

                a = Parse(s[..2]);
                b = Parse(s[2..]);
                break;
            case 4:
                a = Parse(s[..2]);
                b = Parse(s[2..]);
                break;
        }

        return IsMonthDay(a, b) || IsMonthDay(b, a);
    }

    private static int Parse(ReadOnlySpan<char> digits)
    {
        var value = 0;
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return 0;
            }

            value = (value * 10) + (c - '0');
        }

        return value;
    }
}
