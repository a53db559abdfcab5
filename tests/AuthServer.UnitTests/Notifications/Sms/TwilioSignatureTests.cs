using Recovery.AuthServer.Notifications.Sms;

namespace Recovery.AuthServer.UnitTests.Notifications.Sms;

public sealed class TwilioSignatureTests
{
    // Twilio's published example (docs "Webhooks security"): auth token 12345, this URL and these fields.
    private const string Url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    private static readonly KeyValuePair<string, string>[] Fields =
    [
        new("To", "+18005551212"), new("CallSid", "CA1234567890ABCDE"), new("Caller", "+14158675309"), new("Digits", "1234"), new("From", "+14158675309"),
    ];

    [Fact]
    public void Compute_TwilioPublishedExample_SameSignature() =>
        Assert.Equal("RSOYDt4T1cUTdK1PDd93/VVr8B8=", TwilioSignature.Compute("12345", Url, Fields));

    [Fact]
    public void IsValid_ChangedFieldUrlOrToken_Refused()
    {
        Assert.True(TwilioSignature.IsValid("12345", Url, Fields, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
        Assert.False(TwilioSignature.IsValid("12345", Url, [.. Fields[..3], new("Digits", "9999"), Fields[4]], "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
        Assert.False(TwilioSignature.IsValid("12345", Url + "&x=1", Fields, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
        Assert.False(TwilioSignature.IsValid("54321", Url, Fields, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
        Assert.False(TwilioSignature.IsValid("12345", Url, Fields, null));
        Assert.False(TwilioSignature.IsValid("12345", Url, Fields, string.Empty));
    }
}
