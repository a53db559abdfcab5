namespace Recovery.AuthServer.Common;

public static class Languages
{
    /// <summary>Parses a BCP 47 tag; empty means the default (es-ES). Returns false for anything unsupported.</summary>
    public static bool TryParse(string? tag, out Language language)
    {
        language = Language.Spanish;
        if (string.IsNullOrWhiteSpace(tag))
        {
            return true;
        }

        var primary = tag.Split('-', '_')[0];
        if (primary.Equals("es", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (primary.Equals("en", StringComparison.OrdinalIgnoreCase))
        {
            language = Language.English;
            return true;
        }

        return false;
    }

    /// <summary>A stored tag back to a language; anything unknown reads as the default.</summary>
    public static Language FromTag(string? tag) => TryParse(tag, out var language) ? language : Language.Spanish;

    public static string Tag(this Language language) => language == Language.English ? "en" : "es-ES";
}
