namespace Recovery.AuthServer.Notifications.Sms;

/// <summary>
/// The delivery report listener (<c>Notifications:Sms:DeliveryReports:*</c>): its own HTTP/1.1 port, apart
/// from the gRPC port (HTTP/2 only), where the providers call back. Off while <see cref="Urls"/> is empty.
/// </summary>
public sealed class SmsDeliveryReportOptions
{
    /// <summary>
    /// Addresses to listen on, separated by ';' (e.g. <c>http://0.0.0.0:8090</c>). Empty (default): no listener,
    /// and no delivery report is asked for.
    /// </summary>
    public string? Urls { get; set; }

    /// <summary>
    /// The address the providers reach the listener at (e.g. <c>https://sms-dlr.bank.example</c> behind a proxy);
    /// the callback URLs given to them start with it. Default: the first of <see cref="Urls"/>.
    /// </summary>
    public Uri? PublicUrl { get; set; }
}
