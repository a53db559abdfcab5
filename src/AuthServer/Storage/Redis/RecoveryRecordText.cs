using System.Globalization;
using Recovery.AuthServer.Recovery;

namespace Recovery.AuthServer.Storage.Redis;

/// <summary>
/// A <see cref="RecoveryRecord"/> as the one string <see cref="RedisRecoveryStore"/> keeps: the state's letter, then
/// the customer id, card hash, document hash, language, channel, created and expires (Unix ms), each after a line feed,
/// an absent value empty. The letter comes first and has one byte, so a state change rewrites that byte alone
/// (<c>SETRANGE</c>) and keeps the rest and the TTL.
/// </summary>
internal static class RecoveryRecordText
{
    private const char Separator = '\n';

    private const int FieldCount = 8;

    /// <summary>The one-byte letter of <paramref name="state"/>.</summary>
    public static string StateLetter(RecoveryState state) => state switch
    {
        RecoveryState.Open => "O",
        RecoveryState.Completed => "C",
        RecoveryState.Blocked => "B",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "No letter for this state."),
    };

    public static string Write(RecoveryRecord recovery) => string.Join(
        Separator,
        StateLetter(recovery.State),
        Field(recovery.CustomerId),
        Field(recovery.CardHash),
        Field(recovery.DocumentHash),
        Field(recovery.Language),
        Field(recovery.Channel),
        recovery.CreatedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        recovery.ExpiresAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));

    /// <exception cref="FormatException">The text is not a record this class wrote.</exception>
    public static RecoveryRecord Read(string recoveryId, string text)
    {
        var f = text.Split(Separator);
        if (f.Length != FieldCount || f[2].Length == 0 || f[4].Length == 0 || f[5].Length == 0)
        {
            throw new FormatException("Not a recovery record.");
        }

        return new RecoveryRecord
        {
            Id = recoveryId,
            State = f[0] switch
            {
                "O" => RecoveryState.Open,
                "C" => RecoveryState.Completed,
                "B" => RecoveryState.Blocked,
                _ => throw new FormatException("Unknown recovery state."),
            },
            CustomerId = f[1].Length == 0 ? null : f[1],
            CardHash = f[2],
            DocumentHash = f[3].Length == 0 ? null : f[3],
            Language = f[4],
            Channel = f[5],
            CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(f[6], CultureInfo.InvariantCulture)),
            ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(f[7], CultureInfo.InvariantCulture)),
        };
    }

    // Customer ids, keyed hashes, language tags and channels never hold a line feed or are empty when present; a value
    // that would, would read back as another record, so it is refused at the write instead.
    private static string Field(string? value)
    {
        if (value is not null && (value.Length == 0 || value.Contains(Separator, StringComparison.Ordinal)))
        {
            throw new ArgumentException("A recovery record's value is empty or holds a line feed.", nameof(value));
        }

        return value ?? "";
    }
}
