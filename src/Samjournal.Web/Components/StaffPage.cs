using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Samjournal.Access.Repository;

namespace Samjournal.Web.Components;

/// <summary>A page for signed-in health personnel: anyone else is sent to sign in. The page acts
/// through the scoped repository as the signed-in person, so the access policy and the audit trail
/// apply to everything it shows.</summary>
public abstract class StaffPage : ComponentBase
{
    [CascadingParameter] protected HttpContext Http { get; set; } = default!;

    [Inject] protected Caller Caller { get; set; } = default!;

    [Inject] protected ScopedRepository Repo { get; set; } = default!;

    [Inject] protected NavigationManager Navigation { get; set; } = default!;

    protected Texts T => Texts.Of(Http);

    protected override async System.Threading.Tasks.Task OnInitializedAsync()
    {
        if (Caller.Kind != CallerKind.Staff)
        {
            Navigation.NavigateTo("/sign-in?returnUrl=" + Uri.EscapeDataString(Http.Request.Path + Http.Request.QueryString));
            return;
        }

        await LoadAsync();
    }

    protected abstract System.Threading.Tasks.Task LoadAsync();
}
