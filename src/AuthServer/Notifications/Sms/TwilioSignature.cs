using System.Security.Cryptography;
using System.Text;

namespace Recovery.AuthServer.Notifications.Sms;

/// <summary>
/// Twilio's request signature (<c>X-Twilio-Signature</c>): Base64 of HMAC-SHA1, keyed with the auth token, over the full
/// URL the request was sent to followed by each POST parameter's name and value, sorted by name.
/// </summary>
public static class TwilioSignature
{
    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form)
    {
        var data = new StringBuilder(url);
        foreach (var (name, value) in form.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            data.Append(name).Append(value);
        }

        // SHA-1 because Twilio's protocol fixes it; as an HMAC it is not open to SHA-1's collision attacks.
#pragma warning disable CA5350
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
#pragma warning restore CA5350
    }

    /// <summary>Constant time: how much of a forged signature matched is not told by how long the check took.</summary>
    public static bool IsValid(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form, string? signature) =>
        !string.IsNullOrEmpty(signature)
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Compute(authToken, url, form)), Encoding.ASCII.GetBytes(signature));
}
