namespace Recovery.AuthServer.Notifications;

/// <summary>Delivers one message (an SMS gateway, an e-mail relay, the development sink).</summary>
public interface INotificationSender
{
    Task SendAsync(Notification notification, CancellationToken cancellationToken);
}
