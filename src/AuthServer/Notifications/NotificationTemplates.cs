namespace Recovery.AuthServer.Notifications;

/// <summary>
/// The message templates, their channels and values. The texts themselves are Liquid files rendered
/// by <see cref="NotificationTexts"/>. Each SMS names what the code is for, so that a code sent for
/// one thing is not read out for another (and a signing SMS names the action and reference).
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

    /// <summary>The bank's call-centre number as the screens show it (the value <c>call_centre_phone</c> of every text).</summary>
    public const string CallCentrePhone = "950 183 313";

    /// <summary>Every template: what its texts may name and what they must.</summary>
    public static IReadOnlyList<NotificationTemplateSpec> All { get; } =
    [
        new(RecoveryCode, NotificationChannel.Sms, ["code", "expires_minutes"], ["code"]),
        new(RecoveryTemporaryPassword, NotificationChannel.Sms, ["temporary_password", "expires_hours"], ["temporary_password"]),

        // Dynamic linking (PSD2 RTS art. 5): the customer sees what the code signs.
        new(OperationCode, NotificationChannel.Sms, ["code", "description", "reference"], ["code", "description", "reference"]),
        new(AuthenticatorCode, NotificationChannel.Sms, ["code", "expires_minutes"], ["code"]),
        new(RecoveryUserCode, NotificationChannel.Email, ["user_code", "display_name"], ["user_code"]),
        new(PasswordChanged, NotificationChannel.Email, ["display_name"], []),
        new(AuthenticatorAdded, NotificationChannel.Email, ["display_name"], []),
        new(OperationCodeByVoice, NotificationChannel.Email, ["display_name", "description", "reference"], ["description", "reference"]),
    ];

    public static NotificationTemplateSpec Find(string name) =>
        ByName.TryGetValue(name, out var spec) ? spec : throw new ArgumentException($"No notification template {name}.", nameof(name));

    // Every message rendered looks its template up (decoys too).
    private static readonly System.Collections.Frozen.FrozenDictionary<string, NotificationTemplateSpec> ByName =
        System.Collections.Frozen.FrozenDictionary.ToFrozenDictionary(All, t => t.Name, StringComparer.Ordinal);

    /// <summary>The description of a password change, as screen 6 shows it.</summary>
    public static string PasswordChangeDescription(Common.Language language) =>
        language == Common.Language.English ? "Online Banking user password change" : "Cambio de contraseña de Usuario de Banca Electrónica";
}
