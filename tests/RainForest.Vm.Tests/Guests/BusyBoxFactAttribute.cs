using RainForest.Core;
using RainForest.Vm.Guests;

namespace RainForest.Vm.Tests.Guests;

/// <summary>A fact that is skipped, saying why, where no static busybox is installed (CI installs busybox-static).</summary>
public sealed class BusyBoxFactAttribute : FactAttribute
{
    public BusyBoxFactAttribute()
    {
        try
        {
            StaticBusyBox.Locate();
        }
        catch (RfException e)
        {
            Skip = e.Message;
        }
    }
}
