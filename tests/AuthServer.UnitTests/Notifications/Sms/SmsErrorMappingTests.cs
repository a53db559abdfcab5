using System.Net;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Notifications.Sms;

namespace Recovery.AuthServer.UnitTests.Notifications.Sms;

/// <summary>Which answers of each dialect are refusals for good (next provider, never again) and which are temporary.</summary>
public sealed class SmsErrorMappingTests
{
    [Theory]
    [InlineData(400, "kannel-rejected")]
    [InlineData(403, "kannel-credentials")]
    [InlineData(404, "kannel-not-found")]
    [InlineData(413, "kannel-http-413")]
    public void Kannel_Refusal_Permanent(int status, string reason) =>
        Assert.Equal(reason, Assert.IsType<PermanentDeliveryException>(KannelSmsProvider.Classify((HttpStatusCode)status)).Reason);

    [Theory]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(503)]
    public void Kannel_OverloadOrServerError_Temporary(int status) =>
        Assert.Equal("kannel-http-" + status, Assert.IsType<SmsProviderUnavailableException>(KannelSmsProvider.Classify((HttpStatusCode)status)).Reason);

    [Theory]
    [InlineData(400, """{"code": 21211, "message": "The 'To' number +34... is not a valid phone number.", "status": 400}""", "twilio-21211")]
    [InlineData(400, """{"code": 21610, "message": "Attempt to send to unsubscribed recipient", "status": 400}""", "twilio-21610")]
    [InlineData(400, "not json", "twilio-400")]
    [InlineData(400, """{"code": "21211 +34600000001"}""", "twilio-400")]
    [InlineData(401, """{"code": 20003}""", "twilio-credentials")]
    [InlineData(404, """{"code": 20404}""", "twilio-not-found")]
    public void Twilio_Refusal_PermanentWithTheCodeButNeverTheNumber(int status, string body, string reason) =>
        Assert.Equal(reason, Assert.IsType<PermanentDeliveryException>(TwilioSmsProvider.Classify((HttpStatusCode)status, body)).Reason);

    [Theory]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(503)]
    public void Twilio_OverloadOrServerError_Temporary(int status) =>
        Assert.IsType<SmsProviderUnavailableException>(TwilioSmsProvider.Classify((HttpStatusCode)status, """{"code": 20429}"""));

    [Fact]
    public void IsRetryable_OverloadServerErrorOrRefusedConnection_Yes_TimeoutOrRefusal_No()
    {
        using var tooMany = new HttpResponseMessage((HttpStatusCode)429);
        using var down = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        using var refused = new HttpResponseMessage(HttpStatusCode.BadRequest);
        Assert.True(SmsHttp.IsRetryable(tooMany, null));
        Assert.True(SmsHttp.IsRetryable(down, null));
        Assert.True(SmsHttp.IsRetryable(null, new HttpRequestException(HttpRequestError.ConnectionError, "refused")));
        Assert.False(SmsHttp.IsRetryable(refused, null));
        Assert.False(SmsHttp.IsRetryable(null, new Polly.Timeout.TimeoutRejectedException()));
        Assert.False(SmsHttp.IsRetryable(null, new HttpRequestException(HttpRequestError.ResponseEnded, "dropped")));
    }

    [Theory]
    [InlineData("Banca a Distancia: your code is 123456. Never share it.", true)]
    [InlineData("Banca a Distancia: tu código es 123456.", false)]
    [InlineData("clave 123456 para firmar \"Cambio\", ref. A-1 [x] €", true)]
    public void Gsm7_CanEncode(string text, bool expected) => Assert.Equal(expected, Gsm7.CanEncode(text));
}
