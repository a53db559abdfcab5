namespace Recovery.AuthServer.Common;

/// <summary>
/// Every google.rpc.ErrorInfo reason the server emits. Stable API: channels switch on these.
/// docs/errors.md lists each with its status code.
/// </summary>
public static class ErrorReasons
{
    public const string Domain = "recovery.bank";

    public const string InvalidFields = "INVALID_FIELDS";
    public const string MalformedRequest = "MALFORMED_REQUEST";
    public const string MessageTooLarge = "MESSAGE_TOO_LARGE";
    public const string CompressionUnsupported = "COMPRESSION_UNSUPPORTED";
    public const string CaptchaRejected = "CAPTCHA_REJECTED";
    public const string CaptchaUnavailable = "CAPTCHA_UNAVAILABLE";
    public const string CaptchaChallengeNotOffered = "CAPTCHA_CHALLENGE_NOT_OFFERED";
    public const string RateLimited = "RATE_LIMITED";

    public const string RecoveryNotFound = "RECOVERY_NOT_FOUND";
    public const string RecoveryNotOpen = "RECOVERY_NOT_OPEN";
    public const string RecoveryBlocked = "RECOVERY_BLOCKED";

    public const string CodeIncorrect = "CODE_INCORRECT";
    public const string CodeBurned = "CODE_BURNED";
    public const string CodeExpired = "CODE_EXPIRED";
    public const string CodeAlreadyUsed = "CODE_ALREADY_USED";
    public const string ResendTooSoon = "RESEND_TOO_SOON";
    public const string ResendLimitReached = "RESEND_LIMIT_REACHED";

    public const string InvalidCredentials = "INVALID_CREDENTIALS";
    public const string CredentialsBlocked = "CREDENTIALS_BLOCKED";
    public const string ChangeTicketInvalid = "CHANGE_TICKET_INVALID";
    public const string TemporaryPasswordExpired = "TEMPORARY_PASSWORD_EXPIRED";
    public const string CurrentPasswordIncorrect = "CURRENT_PASSWORD_INCORRECT";
    public const string PasswordMismatch = "PASSWORD_MISMATCH";
    public const string PasswordPolicyViolation = "PASSWORD_POLICY_VIOLATION";

    public const string OperationNotFound = "OPERATION_NOT_FOUND";
    public const string OperationNotPending = "OPERATION_NOT_PENDING";
    public const string OperationStale = "OPERATION_STALE";
    public const string OperationBlocked = "OPERATION_BLOCKED";

    public const string SessionInvalid = "SESSION_INVALID";
    public const string AuthenticatorNotPending = "AUTHENTICATOR_NOT_PENDING";

    public const string IdempotencyKeyReused = "IDEMPOTENCY_KEY_REUSED";
    public const string IdempotentCallInProgress = "IDEMPOTENT_CALL_IN_PROGRESS";

    public const string CustomerExists = "CUSTOMER_EXISTS";
    public const string CustomerConflict = "CUSTOMER_CONFLICT";
    public const string CustomerNotFound = "CUSTOMER_NOT_FOUND";
    public const string AdminTokenInvalid = "ADMIN_TOKEN_INVALID";
    public const string ChannelTokenInvalid = "CHANNEL_TOKEN_INVALID";
    public const string ChannelMismatch = "CHANNEL_MISMATCH";
    public const string CallCentreTokenInvalid = "CALL_CENTRE_TOKEN_INVALID";
    public const string CallCentreDisabled = "CALL_CENTRE_DISABLED";
    public const string CardMismatch = "CARD_MISMATCH";
    public const string CardChecksExhausted = "CARD_CHECKS_EXHAUSTED";
    public const string DirectoryDisabled = "DIRECTORY_DISABLED";

    public const string Overloaded = "OVERLOADED";
    public const string StorageUnavailable = "STORAGE_UNAVAILABLE";
    public const string HashingSaturated = "HASHING_SATURATED";
    public const string Internal = "INTERNAL";
    public const string DeadlineExceeded = "DEADLINE_EXCEEDED";
    public const string Cancelled = "CANCELLED";
}
