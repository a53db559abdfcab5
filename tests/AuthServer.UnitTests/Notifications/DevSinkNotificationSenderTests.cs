using System.Text.Json;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Notifications;

public sealed class DevSinkNotificationSenderTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "recovery-devsink-" + Guid.NewGuid().ToString("N"));
    private readonly CancellationToken ct = CancellationToken.None;

    private string SinkPath => Path.Combine(directory, "nested", "sink.jsonl");

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private DevSinkNotificationSender Sender(string environment = "Development") =>
        new(Options.Create(new NotificationOptions { DevSink = new DevSinkOptions { Path = SinkPath } }), new TestHostEnvironment(environment));

    [Fact]
    public async Task SendAsync_TwoMessages_WritesOneJsonLineEach()
    {
        using var sender = Sender();

        await sender.SendAsync(NotificationTexts.Shipped.RecoveryCodeSms("+34612345331", "048213", TimeSpan.FromMinutes(5), Language.Spanish), ct);
        await sender.SendAsync(NotificationTexts.Shipped.UserCodeEmail("sbarrios@ebcc.es", "SERGIO", "71234567", Language.Spanish), ct);

        var lines = await File.ReadAllLinesAsync(SinkPath, ct);
        Assert.Equal(2, lines.Length);

        using var sms = JsonDocument.Parse(lines[0]);
        Assert.Equal("sms", sms.RootElement.GetProperty("channel").GetString());
        Assert.Equal("+34612345331", sms.RootElement.GetProperty("to").GetString());
        Assert.Equal("recovery-code", sms.RootElement.GetProperty("template").GetString());
        Assert.Equal("048213", sms.RootElement.GetProperty("values").GetProperty("code").GetString());
        Assert.Contains("048213", sms.RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);

        using var email = JsonDocument.Parse(lines[1]);
        Assert.Equal("email", email.RootElement.GetProperty("channel").GetString());
        Assert.Equal("71234567", email.RootElement.GetProperty("values").GetProperty("user_code").GetString());
    }

    [Fact]
    public async Task SendAsync_SpanishText_WrittenReadablyNotEscaped()
    {
        using var sender = Sender();

        await sender.SendAsync(NotificationTexts.Shipped.UserCodeEmail("sbarrios@ebcc.es", "SERGIO BARRIOS", "71234567", Language.Spanish), ct);

        var raw = await File.ReadAllTextAsync(SinkPath, ct);
        Assert.Contains("código", raw, StringComparison.Ordinal);
        Assert.Contains("contraseña", raw, StringComparison.Ordinal);
        Assert.EndsWith("\n", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_ManyInParallel_EveryLineIsWholeJson()
    {
        using var sender = Sender();

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(
            () => sender.SendAsync(NotificationTexts.Shipped.RecoveryCodeSms("+34612345331", i.ToString("000000", System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromMinutes(5), Language.Spanish), ct),
            ct)));

        var lines = await File.ReadAllLinesAsync(SinkPath, ct);
        Assert.Equal(40, lines.Length);
        var codes = lines.Select(l =>
        {
            using var doc = JsonDocument.Parse(l);
            return doc.RootElement.GetProperty("values").GetProperty("code").GetString();
        }).ToHashSet();
        Assert.Equal(40, codes.Count);
    }

    [Fact]
    public async Task SendAsync_TwoSendersOnOneFileInParallel_NoLineLostOrTorn()
    {
        // Two nodes of one test (tests/e2e/two-nodes-on-redis.sh) append to one sink: each sender's own lock does not
        // order the other's writes, and .NET appends at the length it saw on opening, not with O_APPEND.
        using var first = Sender();
        using var second = Sender();

        await Task.WhenAll(Enumerable.Range(0, 400).Select(i => Task.Run(
            () => (i % 2 == 0 ? first : second).SendAsync(NotificationTexts.Shipped.RecoveryCodeSms("+34612345331", i.ToString("000000", System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromMinutes(5), Language.Spanish), ct),
            ct)));

        var lines = await File.ReadAllLinesAsync(SinkPath, ct);
        var codes = lines.Select(l =>
        {
            using var doc = JsonDocument.Parse(l);
            return doc.RootElement.GetProperty("values").GetProperty("code").GetString();
        }).ToHashSet();
        Assert.Equal(400, lines.Length);
        Assert.Equal(400, codes.Count);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    [InlineData("Test")]
    public void Constructor_OutsideDevelopment_RefusesAndWritesNothing(string environment)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Sender(environment));

        Assert.Contains(environment, ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public void Constructor_NoPath_Refuses()
    {
        Assert.Throws<InvalidOperationException>(() =>
            new DevSinkNotificationSender(Options.Create(new NotificationOptions()), new TestHostEnvironment("Development")));
    }

    [Fact]
    public void Constructor_Development_CreatesTheDirectory()
    {
        using var sender = Sender();

        Assert.True(Directory.Exists(Path.GetDirectoryName(SinkPath)));
    }
}
