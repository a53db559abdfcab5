namespace Recovery.Client.CommandLine;

/// <summary>How the tool shows secrets (codes, passwords, tokens) and personal data it echoes back.</summary>
internal static class Secrets
{
    // A fixed mask so that not even the length of a secret leaks into a terminal or CI log.
    private const string Mask = "******";

    public static string Show(string value, bool showSecrets) => showSecrets ? value : Mask;

    /// <summary>A card number as the bank shows it: first 6 and last 4 digits.</summary>
    public static string Pan(string cardNumber)
    {
        var digits = new string([.. cardNumber.Where(char.IsAsciiDigit)]);
        return digits.Length < 12 ? Mask : $"{digits[..6]}{new string('*', digits.Length - 10)}{digits[^4..]}";
    }

    /// <summary>An identity document with only its last 4 characters visible.</summary>
    public static string Document(string documentId) =>
        documentId.Length <= 4 ? Mask : new string('*', documentId.Length - 4) + documentId[^4..];
}
