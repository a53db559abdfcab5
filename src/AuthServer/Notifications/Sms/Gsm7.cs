namespace Recovery.AuthServer.Notifications.Sms;

/// <summary>
/// The GSM 03.38 default alphabet (and its extension table): a text made only of these goes as 7-bit (160 characters a
/// segment); anything else needs UCS-2 (70 a segment).
/// </summary>
public static class Gsm7
{
    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private const string Extension = "^{}\\[~]|€\f";

    public static bool CanEncode(string text) => text.All(c => Basic.Contains(c, StringComparison.Ordinal) || Extension.Contains(c, StringComparison.Ordinal));
}
