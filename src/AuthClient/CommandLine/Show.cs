using System.Globalization;
using Google.Protobuf.WellKnownTypes;

namespace Recovery.Client.CommandLine;

/// <summary>Formats values the tool prints.</summary>
internal static class Show
{
    public const string SecretsOptionName = "--show-secrets";

    public static readonly OptionSpec SecretsSpec =
        new(SecretsOptionName, null, "Print codes, passwords, user codes and tokens in clear (they are masked by default).");

    /// <summary>A point in time, UTC, ISO 8601: unambiguous in CI logs whatever the machine's zone.</summary>
    public static string Time(Timestamp? timestamp) =>
        timestamp is null ? "(not given)" : timestamp.ToDateTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
