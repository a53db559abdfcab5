using System.Globalization;
using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Notifications;

/// <summary>
/// The customer-facing texts, es-ES by default. Each SMS names what the code is for, so that a code
/// sent for one thing is not read out for another (and a signing SMS names the action and reference).
/// </summary>
public static class NotificationTemplates
{
    public const string RecoveryCode = "recovery-code";
    public const string RecoveryUserCode = "recovery-user-code";
    public const string RecoveryTemporaryPassword = "recovery-temporary-password";
    public const string OperationCode = "operation-code";
    public const string PasswordChanged = "password-changed";
    public const string AuthenticatorAdded = "authenticator-added";
    public const string AuthenticatorCode = "authenticator-code";
    public const string OperationCodeByVoice = "operation-code-by-voice";

    /// <summary>The bank's call-centre number as the screens show it.</summary>
    public const string CallCentrePhone = "950 183 313";

    public static Notification RecoveryCodeSms(string phone, string code, TimeSpan lifetime, Language language) =>
        Build(NotificationChannel.Sms, phone, RecoveryCode, language,
            new() { ["code"] = code, ["expires_minutes"] = Minutes(lifetime) },
            language == Language.English
                ? $"Banca a Distancia: your code to confirm the request for new keys is {code}. Valid for {Minutes(lifetime)} min. Never share it."
                : $"Banca a Distancia: tu código para confirmar la petición de nuevas claves es {code}. Caduca en {Minutes(lifetime)} min. No lo compartas con nadie.");

    public static Notification UserCodeEmail(string email, string displayName, string userCode, Language language) =>
        Build(NotificationChannel.Email, email, RecoveryUserCode, language,
            new() { ["user_code"] = userCode, ["display_name"] = displayName },
            language == Language.English
                ? $"Hello {displayName}: your Banca a Distancia user code is {userCode}. Your temporary password has been sent to your mobile by SMS. If you did not request new keys, call {CallCentrePhone}."
                : $"Hola {displayName}: tu código de usuario de Banca a Distancia es {userCode}. Te hemos enviado por SMS una contraseña temporal. Si no has pedido nuevas claves, llama al {CallCentrePhone}.");

    public static Notification TemporaryPasswordSms(string phone, string temporaryPassword, TimeSpan lifetime, Language language) =>
        Build(NotificationChannel.Sms, phone, RecoveryTemporaryPassword, language,
            new() { ["temporary_password"] = temporaryPassword, ["expires_hours"] = Hours(lifetime) },
            language == Language.English
                ? $"Banca a Distancia: your temporary password is {temporaryPassword}. Valid for {Hours(lifetime)} h; you will be asked to change it at first access."
                : $"Banca a Distancia: tu contraseña temporal es {temporaryPassword}. Válida {Hours(lifetime)} h; en tu primer acceso se te pedirá que la cambies.");

    public static Notification OperationCodeSms(string phone, string code, string description, string reference, Language language) =>
        Build(NotificationChannel.Sms, phone, OperationCode, language,
            new() { ["code"] = code, ["description"] = description, ["reference"] = reference },
            language == Language.English
                ? $"Banca a Distancia: code {code} to sign \"{description}\", ref. {reference}. If it was not you, do not use it and call {CallCentrePhone}."
                : $"Banca a Distancia: clave {code} para firmar \"{description}\", ref. {reference}. Si no has sido tú, no la uses y llama al {CallCentrePhone}.");

    public static Notification PasswordChangedEmail(string email, string displayName, Language language) =>
        Build(NotificationChannel.Email, email, PasswordChanged, language,
            new() { ["display_name"] = displayName },
            language == Language.English
                ? $"Hello {displayName}: your Banca a Distancia password has just been changed. If it was not you, call {CallCentrePhone} at once."
                : $"Hola {displayName}: se acaba de cambiar tu contraseña de Banca a Distancia. Si no has sido tú, llama cuanto antes al {CallCentrePhone}.");

    public static Notification AuthenticatorCodeSms(string phone, string code, TimeSpan lifetime, Language language) =>
        Build(NotificationChannel.Sms, phone, AuthenticatorCode, language,
            new() { ["code"] = code },
            language == Language.English
                ? $"Banca a Distancia: code {code} to add an authenticator app that will sign your operations. Valid {Minutes(lifetime)} min. If it was not you, do not use it and call {CallCentrePhone}."
                : $"Banca a Distancia: clave {code} para dar de alta una app de autenticación que firmará tus operaciones. Válida {Minutes(lifetime)} min. Si no has sido tú, no la uses y llama al {CallCentrePhone}.");

    public static Notification AuthenticatorAddedEmail(string email, string displayName, Language language) =>
        Build(NotificationChannel.Email, email, AuthenticatorAdded, language,
            new() { ["display_name"] = displayName },
            language == Language.English
                ? $"Hello {displayName}: an authenticator app can now sign your Banca a Distancia operations. If it was not you, call {CallCentrePhone} at once."
                : $"Hola {displayName}: se ha activado una app de autenticación para firmar tus operaciones de Banca a Distancia. Si no has sido tú, llama cuanto antes al {CallCentrePhone}.");

    public static Notification OperationCodeByVoiceEmail(string email, string displayName, string description, string reference, Language language) =>
        Build(NotificationChannel.Email, email, OperationCodeByVoice, language,
            new() { ["display_name"] = displayName, ["description"] = description, ["reference"] = reference },
            language == Language.English
                ? $"Hello {displayName}: at your call we gave you by phone a code to sign \"{description}\", ref. {reference}. If you did not call us, call {CallCentrePhone} at once."
                : $"Hola {displayName}: a petición tuya te hemos dado por teléfono una clave para firmar \"{description}\", ref. {reference}. Si no nos has llamado, llama cuanto antes al {CallCentrePhone}.");

    /// <summary>The description of a password change, as screen 6 shows it.</summary>
    public static string PasswordChangeDescription(Language language) =>
        language == Language.English ? "Online Banking user password change" : "Cambio de contraseña de Usuario de Banca Electrónica";

    private static Notification Build(NotificationChannel channel, string to, string template, Language language, Dictionary<string, string> values, string text) =>
        channel == NotificationChannel.Email
            ? new(channel, to, template, values, text, language.Tag()) { Subject = Subject(template, language), Html = "<p>" + System.Net.WebUtility.HtmlEncode(text) + "</p>" }
            : new(channel, to, template, values, text, language.Tag());

    private static string Subject(string template, Language language) => (template, language == Language.English) switch
    {
        (RecoveryUserCode, true) => "Your Banca a Distancia user code",
        (RecoveryUserCode, false) => "Tu código de usuario de Banca a Distancia",
        (PasswordChanged, true) => "Your Banca a Distancia password has been changed",
        (PasswordChanged, false) => "Se ha cambiado tu contraseña de Banca a Distancia",
        (AuthenticatorAdded, true) => "New authenticator app on Banca a Distancia",
        (AuthenticatorAdded, false) => "Nueva app de autenticación en Banca a Distancia",
        (OperationCodeByVoice, true) => "Signing code given by phone",
        (OperationCodeByVoice, false) => "Clave de firma dada por teléfono",
        _ => "Banca a Distancia",
    };

    private static string Minutes(TimeSpan t) => ((int)Math.Ceiling(t.TotalMinutes)).ToString(CultureInfo.InvariantCulture);

    private static string Hours(TimeSpan t) => ((int)Math.Ceiling(t.TotalHours)).ToString(CultureInfo.InvariantCulture);
}
