using Grpc.Core;
using OtpNet;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.Client;
using Recovery.V1;
using StackExchange.Redis;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// ConfirmAuthenticator on Redis with the node's own dispatcher: the "authenticator added" e-mail is held beside the
/// SMS code's step (one round trip), and the step's script records the try's change and announces it, so that the
/// dispatcher that hears it delivers the e-mail of a confirmation and deletes the e-mail of a refused try, with no call of
/// the flow's. Neither clock moves: the hold's own time never comes, so only the announcement can have settled it.
/// </summary>
public sealed class RedisAuthenticatorEmailTests : RedisDispatchingTest
{
    private static readonly DemoCustomer Maria = DemoCustomer.Maria;

    public RedisAuthenticatorEmailTests(RedisServerFixture fixture)
        : base(fixture, "authn-email")
    {
    }

    [Fact]
    public async Task ConfirmAuthenticator_RightCodes_TheDispatcherDeliversTheHeldEmailOnTheStepsAnnouncement()
    {
        var (session, appCode, smsCode) = await EnrolledAsync();
        var sink = new DevSinkReader(SinkPath);
        var mark = sink.Mark();
        await DispatcherListeningAsync();

        await Api.ConfirmAuthenticatorAsync(session, appCode, smsCode);

        var email = await sink.WaitForAsync(mark, NotificationTemplates.AuthenticatorAdded, DeliveryTimeout);
        Assert.Equal(Maria.Email, email.To);
        Assert.Equal(["applied"], await FencesAsync());
        await NoHoldLeftAsync();
    }

    [Fact]
    public async Task ConfirmAuthenticator_WrongSmsCode_NothingDeliveredAndTheHoldDeletedOnTheStepsAnnouncement()
    {
        var (session, appCode, smsCode) = await EnrolledAsync();
        var sink = new DevSinkReader(SinkPath);
        var mark = sink.Mark();
        await DispatcherListeningAsync();

        (await RefusedAsync(() => Api.ConfirmAuthenticatorAsync(session, appCode, Other(smsCode)))).Is(StatusCode.InvalidArgument, "CODE_INCORRECT");

        // The try's change was recorded dropped by its own step, and its held e-mail deleted by the dispatcher.
        Assert.Equal(["dropped"], await FencesAsync());
        await NoHoldLeftAsync();

        // The right code then sends one e-mail, its own: the wrong try's was deleted, never delivered.
        await Api.ConfirmAuthenticatorAsync(session, appCode, smsCode);
        await sink.WaitForAsync(mark, NotificationTemplates.AuthenticatorAdded, DeliveryTimeout);
        Assert.Single(sink.ReadSince(mark), m => m.Template == NotificationTemplates.AuthenticatorAdded);
        Assert.Equal(["applied", "dropped"], await FencesAsync());
        await NoHoldLeftAsync();
    }

    // Maria's session, enrolled: the current code of the new app and the SMS code sent for it.
    private async Task<(string Session, string AppCode, string SmsCode)> EnrolledAsync()
    {
        var login = await Api.LoginAsync(Maria.UserCode, Maria.InitialPassword);
        Assert.Equal(LoginResponse.ResultOneofCase.Session, login.ResultCase);
        var mark = Outbox.Count;
        var enrolled = await Api.EnrollAuthenticatorAsync(login.Session.Token);
        var smsCode = Outbox.Single(mark, NotificationTemplates.AuthenticatorCode).Values[CodeKey];
        var appCode = new Totp(Base32Encoding.ToBytes(enrolled.Secret)).ComputeTotp(Time.GetUtcNow().UtcDateTime);
        return (login.Session.Token, appCode, smsCode);
    }

    // The outcomes recorded for the customer's ConfirmAuthenticator tries (RedisCustomerStore.ChangeKey), sorted.
    private async Task<string[]> FencesAsync()
    {
        await using var connection = await RedisServer.ConnectAsync().WaitAsync(RecoveryApi.Timeout);
        var keys = Keys(connection, Prefix + "{c:" + Maria.Id + "}:chg:authn:*");
        var values = await Task.WhenAll(keys.Select(k => connection.GetDatabase().StringGetAsync(k))).WaitAsync(RecoveryApi.Timeout);
        return values.Select(v => (string)v!).Order(StringComparer.Ordinal).ToArray();
    }
}
