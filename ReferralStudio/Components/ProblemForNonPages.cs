using Microsoft.AspNetCore.Diagnostics;

namespace ReferralStudio.Components;

/// <summary>
/// An unhandled exception answers API clients and Meta with ProblemDetails; only browsers asking for a page
/// are sent on to the styled /error page.
/// </summary>
internal sealed class ProblemForNonPages(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (DashboardExtensions.IsPageRequest(context))
        {
            return false;
        }

        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, Exception = exception });
    }
}
