using System.Text.Json;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Storage.Redis;

namespace Recovery.AuthServer.UnitTests.Storage;

public class RedisNotificationJsonContextTests
{
    // Every property set, e-mail parts and the decoy flag included, with text that needs escaping.
    private static readonly Notification Full =
        new(NotificationChannel.Email, "ana@example.es", NotificationTemplates.RecoveryUserCode,
            new Dictionary<string, string> { ["code"] = "71234567", ["name"] = "Ana Ñúñez \"<b>\"" }, "Su código: 71234567\n", "es-ES")
        {
            MessageId = "2.abc",
            Decoy = true,
            Subject = "Código de usuario",
            Html = "<p>Su código: 71234567</p>",
        };

    [Fact]
    public void Serialize_EveryProperty_TheBytesTheReflectionSerializerWrites()
    {
        var generated = JsonSerializer.SerializeToUtf8Bytes(Full, RedisNotificationJsonContext.Default.Notification);
        var reflected = JsonSerializer.SerializeToUtf8Bytes(Full);

        Assert.Equal(reflected, generated);
    }

    [Fact]
    public void Deserialize_WhatTheReflectionSerializerWrote_TheSameNotification()
    {
        // A message sealed by an earlier version, still queued after an upgrade.
        var earlier = JsonSerializer.SerializeToUtf8Bytes(Full);

        var read = JsonSerializer.Deserialize(earlier, RedisNotificationJsonContext.Default.Notification)!;

        Assert.Equal(
            (Full.Channel, Full.To, Full.Template, Full.Text, Full.Language, Full.MessageId, Full.Decoy, Full.Subject, Full.Html),
            (read.Channel, read.To, read.Template, read.Text, read.Language, read.MessageId, read.Decoy, read.Subject, read.Html));
        Assert.Equal(Full.Values, read.Values);
    }
}
