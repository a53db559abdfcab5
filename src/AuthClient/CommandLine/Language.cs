namespace Recovery.Client.CommandLine;

/// <summary>The <c>--language</c> option: the language of the server's messages, labels and SMS.</summary>
internal static class Language
{
    public const string OptionName = "--language";

    public static readonly OptionSpec Spec = new(OptionName, "es-ES|en", "Language of the server's messages and labels (default es-ES).");

    public static string From(ParsedOptions options)
    {
        var value = options.Get(OptionName);
        return value switch
        {
            null => "es-ES",
            _ when value.Equals("es-ES", StringComparison.OrdinalIgnoreCase) || value.Equals("es", StringComparison.OrdinalIgnoreCase) => "es-ES",
            _ when value.Equals("en", StringComparison.OrdinalIgnoreCase) || value.StartsWith("en-", StringComparison.OrdinalIgnoreCase) => "en",
            _ => throw new UsageException($"Option {OptionName} must be es-ES or en, not '{value}'."),
        };
    }
}
