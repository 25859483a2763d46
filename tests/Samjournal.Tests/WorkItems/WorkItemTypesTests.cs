using Samjournal.Access.Policy;
using Samjournal.Clinical.WorkItems;

namespace Samjournal.Tests.WorkItems;

public sealed class WorkItemTypesTests
{
    [Fact]
    public void Work_item_codes_are_the_ones_the_access_policy_reads()
    {
        Assert.Equal(CareRelationRules.TaskCodeSystem, WorkItemTypes.System);
        Assert.Equal(CareRelationRules.ReferralCode, WorkItemTypes.Referral);
        Assert.Equal(CareRelationRules.EmergencyAccessCode, WorkItemTypes.EmergencyAccessReview);
        Assert.Equal(WorkItemTypes.All.Count, WorkItemTypes.All.Distinct().Count());
    }
}
