namespace Recovery.Client;

/// <summary>
/// Template names and value keys the server writes to the development notification sink.
/// </summary>
public static class DevSinkTemplates
{
    /// <summary>SMS with the step-2 confirmation code; value <see cref="CodeKey"/>.</summary>
    public const string RecoveryCode = "recovery-code";

    /// <summary>E-mail with the user code after a confirmed recovery; value <see cref="UserCodeKey"/>.</summary>
    public const string RecoveryUserCode = "recovery-user-code";

    /// <summary>SMS with the temporary password after a confirmed recovery; value <see cref="TemporaryPasswordKey"/>.</summary>
    public const string RecoveryTemporaryPassword = "recovery-temporary-password";

    /// <summary>SMS with the code that signs an operation; values <see cref="CodeKey"/> and <see cref="ReferenceKey"/>.</summary>
    public const string OperationCode = "operation-code";

    /// <summary>SMS with the code that confirms an authenticator-app enrolment; value <see cref="CodeKey"/>.</summary>
    public const string AuthenticatorCode = "authenticator-code";

    public const string CodeKey = "code";
    public const string UserCodeKey = "user_code";
    public const string TemporaryPasswordKey = "temporary_password";
    public const string ReferenceKey = "reference";
}
