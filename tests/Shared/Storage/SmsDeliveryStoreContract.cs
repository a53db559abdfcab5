using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Notifications.Sms;

namespace Recovery.AuthServer.SharedTests.Storage;

/// <summary>What every <see cref="ISmsDeliveryStore"/> must do, run against each provider.</summary>
public abstract class SmsDeliveryStoreContract
{
    protected const string Phone = "phone-key-1";

    private readonly CancellationToken ct = CancellationToken.None;

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));

    protected static IOptions<SmsOptions> Options { get; } = Microsoft.Extensions.Options.Options.Create(new SmsOptions
    {
        FailoverWindow = TimeSpan.FromMinutes(15),
        RecordRetention = TimeSpan.FromDays(7),
        RecentPerPhone = 3,
    });

    protected abstract ISmsDeliveryStore CreateStore();

    protected static Notification Sms(string code) =>
        new(NotificationChannel.Sms, "+34600000001", NotificationTemplates.RecoveryCode, new Dictionary<string, string> { ["code"] = code }, "code " + code, "es-ES");

    [Fact]
    public async Task OpenAsync_Twice_OneRecordPendingWithNoAttempts()
    {
        var store = CreateStore();
        var first = await store.OpenAsync("m1", Phone, Sms("111111"), Time.GetUtcNow(), ct).Timeout();
        Time.Advance(TimeSpan.FromSeconds(5));
        var again = await store.OpenAsync("m1", Phone, Sms("111111"), Time.GetUtcNow(), ct).Timeout();

        Assert.Equal((SmsDeliveryState.Pending, NotificationTemplates.RecoveryCode, 0), (first.State, first.Template, first.Attempts.Count));
        Assert.Equal(first.CreatedAt, again.CreatedAt);
        Assert.Single(await store.RecentAsync(Phone, ct).Timeout());
    }

    [Fact]
    public async Task TryClaimAsync_SameProviderAfterSubmittedRefusedOrNoAnswer_Refused_AfterUnavailable_Allowed()
    {
        var store = CreateStore();
        await store.OpenAsync("m1", Phone, Sms("1"), Time.GetUtcNow(), ct).Timeout();

        Assert.True(await store.TryClaimAsync("m1", "a", Time.GetUtcNow(), ct).Timeout());
        Assert.False(await store.TryClaimAsync("m1", "a", Time.GetUtcNow(), ct).Timeout()); // no answer yet: never twice
        await store.SettleAsync("m1", "a", SmsDeliveryState.Unavailable, Time.GetUtcNow(), ct).Timeout();
        Assert.True(await store.TryClaimAsync("m1", "a", Time.GetUtcNow(), ct).Timeout()); // certainly not taken: again
        await store.SettleAsync("m1", "a", SmsDeliveryState.Refused, Time.GetUtcNow(), ct).Timeout();
        Assert.False(await store.TryClaimAsync("m1", "a", Time.GetUtcNow(), ct).Timeout());

        Assert.True(await store.TryClaimAsync("m1", "b", Time.GetUtcNow(), ct).Timeout());
        await store.SettleAsync("m1", "b", SmsDeliveryState.Submitted, Time.GetUtcNow(), ct).Timeout();
        Assert.False(await store.TryClaimAsync("m1", "b", Time.GetUtcNow(), ct).Timeout());
        Assert.False(await store.TryClaimAsync("unknown", "a", Time.GetUtcNow(), ct).Timeout());

        var record = (await store.GetAsync("m1", ct).Timeout())!;
        Assert.Equal((SmsDeliveryState.Submitted, "b"), (record.State, record.Provider));
        Assert.Equal(SmsDeliveryState.Refused, record.AttemptWith("a")!.State);
    }

    [Fact]
    public async Task ReportAsync_FailedFromTheProviderThatHasIt_MessageHandedOnOnce()
    {
        var store = CreateStore();
        await SubmittedAsync(store, "m1", "a", "424242");

        var failed = await store.ReportAsync("m1", "a", SmsDeliveryState.Failed, Time.GetUtcNow(), ct).Timeout();
        var repeated = await store.ReportAsync("m1", "a", SmsDeliveryState.Failed, Time.GetUtcNow(), ct).Timeout();

        Assert.True(failed.Applied);
        Assert.Equal("424242", failed.MoveOn!.Values["code"]);
        Assert.Equal(SmsReportOutcome.Ignored, repeated);
        var record = (await store.GetAsync("m1", ct).Timeout())!;
        Assert.Equal((SmsDeliveryState.Failed, "a"), (record.State, record.Provider));
        Assert.False(record.MayTry("a"));
    }

    [Fact]
    public async Task ReportAsync_FailedAfterTheFailoverWindow_RecordedButNotHandedOn()
    {
        var store = CreateStore();
        await SubmittedAsync(store, "m1", "a", "1");
        Time.Advance(TimeSpan.FromMinutes(15));

        var failed = await store.ReportAsync("m1", "a", SmsDeliveryState.Failed, Time.GetUtcNow(), ct).Timeout();

        Assert.True(failed.Applied);
        Assert.Null(failed.MoveOn);
        Assert.Equal(SmsDeliveryState.Failed, (await store.GetAsync("m1", ct).Timeout())!.State);
    }

    [Fact]
    public async Task ReportAsync_BeforeTheProvidersAnswerIsSettled_KeptAndTheLateSettleChangesNothing()
    {
        var store = CreateStore();
        await store.OpenAsync("m1", Phone, Sms("1"), Time.GetUtcNow(), ct).Timeout();
        await store.TryClaimAsync("m1", "a", Time.GetUtcNow(), ct).Timeout();

        var delivered = await store.ReportAsync("m1", "a", SmsDeliveryState.Delivered, Time.GetUtcNow(), ct).Timeout();
        await store.SettleAsync("m1", "a", SmsDeliveryState.Submitted, Time.GetUtcNow(), ct).Timeout();

        Assert.True(delivered.Applied);
        var record = (await store.GetAsync("m1", ct).Timeout())!;
        Assert.Equal((SmsDeliveryState.Delivered, "a", SmsDeliveryState.Delivered), (record.State, record.Provider, record.AttemptWith("a")!.State));
    }

    [Fact]
    public async Task ReportAsync_NextProvidersReportBeforeItsAnswer_AfterAFailover_ReadAsTheCurrentProvidersReport()
    {
        var store = CreateStore();
        await SubmittedAsync(store, "m1", "a", "1");
        await store.ReportAsync("m1", "a", SmsDeliveryState.Failed, Time.GetUtcNow(), ct).Timeout();
        await store.OpenAsync("m1", Phone, Sms("1"), Time.GetUtcNow(), ct).Timeout();
        Assert.True(await store.TryClaimAsync("m1", "b", Time.GetUtcNow(), ct).Timeout());

        var accepted = await store.ReportAsync("m1", "b", SmsDeliveryState.Accepted, Time.GetUtcNow(), ct).Timeout();
        await store.SettleAsync("m1", "b", SmsDeliveryState.Submitted, Time.GetUtcNow(), ct).Timeout();

        Assert.True(accepted.Applied);
        var record = (await store.GetAsync("m1", ct).Timeout())!;
        Assert.Equal((SmsDeliveryState.Accepted, "b"), (record.State, record.Provider));
        Assert.Equal((SmsDeliveryState.Failed, SmsDeliveryState.Accepted), (record.AttemptWith("a")!.State, record.AttemptWith("b")!.State));
    }

    [Fact]
    public async Task ReportAsync_LateFailureOfAnEarlierProvider_DoesNotUndoTheNextOnesProgress()
    {
        var store = CreateStore();
        await store.OpenAsync("m1", Phone, Sms("1"), Time.GetUtcNow(), ct).Timeout();
        await store.TryClaimAsync("m1", "a", Time.GetUtcNow(), ct).Timeout(); // no answer: stays Sending
        await store.TryClaimAsync("m1", "b", Time.GetUtcNow(), ct).Timeout();
        await store.SettleAsync("m1", "b", SmsDeliveryState.Submitted, Time.GetUtcNow(), ct).Timeout();

        var late = await store.ReportAsync("m1", "a", SmsDeliveryState.Failed, Time.GetUtcNow(), ct).Timeout();
        var accepted = await store.ReportAsync("m1", "b", SmsDeliveryState.Accepted, Time.GetUtcNow(), ct).Timeout();

        Assert.Equal((true, (Notification?)null), (late.Applied, late.MoveOn));
        Assert.True(accepted.Applied);
        var record = (await store.GetAsync("m1", ct).Timeout())!;
        Assert.Equal((SmsDeliveryState.Accepted, "b"), (record.State, record.Provider));
        Assert.Equal(SmsDeliveryState.Failed, record.AttemptWith("a")!.State);
    }

    [Fact]
    public async Task ReportAsync_UnknownMessageOrAProviderThatNeverHadIt_Ignored()
    {
        var store = CreateStore();
        await SubmittedAsync(store, "m1", "a", "1");

        Assert.Equal(SmsReportOutcome.Ignored, await store.ReportAsync("nope", "a", SmsDeliveryState.Delivered, Time.GetUtcNow(), ct).Timeout());
        Assert.Equal(SmsReportOutcome.Ignored, await store.ReportAsync("m1", "b", SmsDeliveryState.Delivered, Time.GetUtcNow(), ct).Timeout());
        Assert.Equal(SmsDeliveryState.Submitted, (await store.GetAsync("m1", ct).Timeout())!.State);
    }

    [Fact]
    public async Task CloseAsync_GivenUp_NoLongerHandedOn()
    {
        var store = CreateStore();
        await SubmittedAsync(store, "m1", "a", "1");

        await store.CloseAsync("m1", SmsDeliveryState.GivenUp, Time.GetUtcNow(), ct).Timeout();

        Assert.Equal(SmsDeliveryState.GivenUp, (await store.GetAsync("m1", ct).Timeout())!.State);
    }

    [Fact]
    public async Task RecentAsync_NewestFirstCappedAndPerPhone_GoneAfterRetention()
    {
        var store = CreateStore();
        foreach (var id in new[] { "m1", "m2", "m3", "m4" })
        {
            await store.OpenAsync(id, Phone, Sms("1"), Time.GetUtcNow(), ct).Timeout();
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        await store.OpenAsync("other", "phone-key-2", Sms("1"), Time.GetUtcNow(), ct).Timeout();

        Assert.Equal(["m4", "m3", "m2"], (await store.RecentAsync(Phone, ct).Timeout()).Select(d => d.Id));
        Assert.Equal(["other"], (await store.RecentAsync("phone-key-2", ct).Timeout()).Select(d => d.Id));
        Assert.Empty(await store.RecentAsync("phone-key-3", ct).Timeout());
    }

    private async Task SubmittedAsync(ISmsDeliveryStore store, string id, string provider, string code)
    {
        await store.OpenAsync(id, Phone, Sms(code), Time.GetUtcNow(), ct).Timeout();
        Assert.True(await store.TryClaimAsync(id, provider, Time.GetUtcNow(), ct).Timeout());
        await store.SettleAsync(id, provider, SmsDeliveryState.Submitted, Time.GetUtcNow(), ct).Timeout();
    }
}
