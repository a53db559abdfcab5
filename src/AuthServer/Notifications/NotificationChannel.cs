namespace Recovery.AuthServer.Notifications;

public enum NotificationChannel
{
    Sms,
    Email,
}
