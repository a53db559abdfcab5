namespace Recovery.Client.CommandLine.Commands;

/// <summary>Whether a full destination ("+34600000331") is the one a masked form ("+34 - 6*****331") shows.</summary>
internal static class MaskedDestination
{
    /// <summary>
    /// Compares only what follows the last '*', ignoring spacing and punctuation: formats of the masked and the
    /// full form may differ (the mask adds " - "), and a false "no match" would make a CI run wait and fail.
    /// </summary>
    public static bool Matches(string masked, string full)
    {
        var star = masked.LastIndexOf('*');
        if (star < 0)
        {
            return true;
        }

        var suffix = Normalize(masked[(star + 1)..]);
        return suffix.Length == 0 || Normalize(full).EndsWith(suffix, StringComparison.OrdinalIgnoreCase);
    }

    private static string Normalize(string value) =>
        new([.. value.Where(c => char.IsLetterOrDigit(c) || c is '@' or '.' or '_')]);
}
