// placeholder: being written
namespace analysis {}
