#include <gtest/gtest.h>

#include "fakes/kubectl/kubectl_backend.h"
#include "simulator/world/world.h"

namespace rundrill::fakes {
namespace {

constexpr SimTime Sec(int64_t s) { return SimTime(s * 1000); }

class FaultContext : public SimContext {
 public:
  FaultContext() : world_(1, Epoch{}), rng_(Random(1).Split("kubectl")) {
    model::WorldSpec spec;
    spec.kubernetes.namespaces = {"production"};
    model::DeploymentSpec api;
    api.namespace_name = "production";
    api.name = "api";
    api.history = {{"api:1", "", {}}};
    spec.kubernetes.deployments.push_back(api);
    EXPECT_TRUE(world_.Build(spec).ok());
  }
  SimTime Now() const override { return world_.Now(); }
  bool AdvanceTo(SimTime t) override {
    if (t > deadline) {
      world_.AdvanceTo(deadline);
      return false;
    }
    world_.AdvanceTo(t);
    return true;
  }
  world::World& World() override { return world_; }
  Random& Rng() override { return rng_; }
  SimTime deadline = Sec(3600);

 private:
  world::World world_;
  Random rng_;
};

class KubectlFaultsTest : public ::testing::Test {
 protected:
  CommandResponse Run(std::vector<std::string> args) {
    args.insert(args.begin(), "kubectl");
    CommandRequest request;
    request.argv = args;
    return backend_.Handle(request, context_);
  }
  model::FaultTarget Cluster() const {
    return {model::FaultTarget::Kind::kCluster, "production", {}};
  }

  FaultContext context_;
  KubectlBackend backend_;
};

TEST_F(KubectlFaultsTest, ExpiredKubeconfigIsUnauthorized) {
  context_.World().access().Expire(model::CredentialSpec::Kind::kKubeconfig, "production", Sec(0));
  CommandResponse r = Run({"get", "pods", "-n", "production"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.stdout_data, "");
  EXPECT_EQ(r.stderr_data, "error: You must be logged in to the server (Unauthorized)\n");
}

TEST_F(KubectlFaultsTest, CredentialOfAnotherClusterDoesNotMatter) {
  context_.World().access().Revoke(model::CredentialSpec::Kind::kKubeconfig, "staging", Sec(0));
  EXPECT_EQ(Run({"get", "deploy", "-n", "production"}).exit_code, 0);
}

TEST_F(KubectlFaultsTest, DroppingPartitionTimesOutAfterTheDialTimeout) {
  context_.World().access().Partition(Cluster(), model::PartitionMode::kDrop, Sec(0),
                                      SimTime::max());
  const SimTime before = context_.Now();
  CommandResponse r = Run({"get", "pods", "-n", "production"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.stderr_data,
            "Unable to connect to the server: dial tcp 192.0.2.10:6443: i/o timeout\n");
  EXPECT_GE(context_.Now() - before, SimDuration(30000));
  EXPECT_LT(context_.Now() - before, SimDuration(31000));
}

TEST_F(KubectlFaultsTest, RequestTimeoutShorterThanDialTimeoutWins) {
  context_.World().access().Partition(Cluster(), model::PartitionMode::kDrop, Sec(0),
                                      SimTime::max());
  const SimTime before = context_.Now();
  CommandResponse r = Run({"get", "pods", "--request-timeout=5s"});
  EXPECT_EQ(r.stderr_data,
            "Unable to connect to the server: net/http: request canceled while waiting for "
            "connection (Client.Timeout exceeded while awaiting headers)\n");
  EXPECT_LT(context_.Now() - before, SimDuration(6000));
}

TEST_F(KubectlFaultsTest, RejectingPartitionIsRefusedAtOnceAndHeals) {
  context_.World().access().Partition(Cluster(), model::PartitionMode::kReject, Sec(0), Sec(60));
  CommandResponse r = Run({"rollout", "restart", "deployment/api", "-n", "production"});
  EXPECT_EQ(r.stderr_data,
            "The connection to the server 192.0.2.10:6443 was refused - did you specify the right "
            "host or port?\n");
  EXPECT_LT(context_.Now(), Sec(1));
  context_.AdvanceTo(Sec(60));
  EXPECT_EQ(Run({"rollout", "restart", "deployment/api", "-n", "production"}).exit_code, 0);
}

TEST_F(KubectlFaultsTest, BadFlagsFailOnTheClientEvenDuringAPartition) {
  context_.World().access().Partition(Cluster(), model::PartitionMode::kDrop, Sec(0),
                                      SimTime::max());
  CommandResponse r = Run({"get", "pods", "--bogus"});
  EXPECT_EQ(r.stderr_data, "error: unknown flag: --bogus\nSee 'kubectl get --help' for usage.\n");
  EXPECT_LT(context_.Now(), Sec(1));
}

TEST_F(KubectlFaultsTest, AddedLatencyDelaysTheAnswer) {
  context_.World().access().AddLatency(Cluster(), SimDuration(2000), Sec(0), SimTime::max());
  EXPECT_EQ(Run({"get", "pods", "-n", "production"}).exit_code, 0);
  EXPECT_GE(context_.Now(), Sec(2));
}

TEST_F(KubectlFaultsTest, CertainInjectedErrorsAnswerAsTheApiserverDoes) {
  context_.World().access().InjectErrors(Cluster(), 1.0, model::InjectedError::kUnavailable, Sec(0),
                                         SimTime::max());
  EXPECT_EQ(Run({"get", "pods"}).stderr_data,
            "Error from server (ServiceUnavailable): the server is currently unable to handle the "
            "request (get pods)\n");
}

TEST_F(KubectlFaultsTest, ProbabilisticErrorsHitAboutAsOftenAsAsked) {
  context_.World().access().InjectErrors(Cluster(), 0.3, model::InjectedError::kServerError, Sec(0),
                                         SimTime::max());
  int failed = 0;
  for (int i = 0; i < 400; ++i) failed += Run({"get", "deploy", "-n", "production"}).exit_code;
  EXPECT_GT(failed, 80);
  EXPECT_LT(failed, 160);
}

}  // namespace
}  // namespace rundrill::fakes
