using System.Globalization;

namespace Recovery.AuthServer.Cards;

/// <summary>A card's expiry month as printed ("MM/YY"); the card is valid through the month's last day.</summary>
public readonly record struct CardExpiry(int Year, int Month)
{
    public static bool TryParse(string? text, out CardExpiry expiry)
    {
        expiry = default;
        var t = text?.Trim();
        if (t is not { Length: 5 } || t[2] != '/' ||
            !int.TryParse(t.AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month) ||
            !int.TryParse(t.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var yy) ||
            month is < 1 or > 12)
        {
            return false;
        }

        expiry = new CardExpiry(2000 + yy, month);
        return true;
    }

    /// <summary>Expired once the month is over, in the bank's time zone (Spain), not UTC, to avoid a day's error.</summary>
    public bool IsPast(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, SpainTime);
        return Year < local.Year || (Year == local.Year && Month < local.Month);
    }

    public override string ToString() => $"{Month:00}/{Year % 100:00}";

    /// <summary>False when the machine lacks time-zone data and expiry falls back to UTC (checked at start-up).</summary>
    public static bool HasSpainTimeZone => SpainTime != TimeZoneInfo.Utc;

    private static readonly TimeZoneInfo SpainTime = FindSpain();

    private static TimeZoneInfo FindSpain()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Europe/Madrid");
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.Utc;
        }
    }
}
