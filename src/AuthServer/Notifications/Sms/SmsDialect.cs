namespace Recovery.AuthServer.Notifications.Sms;

/// <summary>The HTTP interface an SMS provider speaks.</summary>
public enum SmsDialect
{
    /// <summary>Kannel's smsbox <c>/cgi-bin/sendsms</c> (operators and aggregators run it).</summary>
    Kannel,

    /// <summary>The Twilio Messages resource (<c>POST /2010-04-01/Accounts/{sid}/Messages.json</c>) and look-alikes.</summary>
    Twilio,
}
