using Microsoft.Extensions.Options;

namespace Recovery.AuthServer.CallCentre;

/// <summary>
/// The data annotations of <see cref="CallCentreOptions"/> and of every object it holds, checked by code the options source
/// generator writes at build time (no reflection at start-up); registered in Hosting and run before the host starts.
/// </summary>
[OptionsValidator]
public sealed partial class ValidateCallCentreOptions : IValidateOptions<CallCentreOptions>;
