//! The CI recipes in examples/ are valid YAML with the jobs the README
//! describes.

use std::path::Path;

fn load(name: &str) -> serde_yaml::Value {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(name)).unwrap();
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn github_actions_recipe_checks_pull_requests_and_publishes_main() {
    let y = load("github-actions.yml");
    assert!(y["on"]["pull_request"].is_null() || y["on"]["pull_request"].is_mapping());
    let check = serde_yaml::to_string(&y["jobs"]["check"]).unwrap();
    assert!(check.contains("retro check --format github"), "{check}");
    let publish = serde_yaml::to_string(&y["jobs"]["publish"]).unwrap();
    assert!(publish.contains("retro build") && publish.contains("deploy-pages"), "{publish}");
    // the cached binary's key changes with retro's commit, which is installed
    for job in [&check, &publish] {
        assert!(job.contains("key: retro-${{ runner.os }}-${{ steps.retro.outputs.rev }}"), "{job}");
        assert!(job.contains("--rev \"${{ steps.retro.outputs.rev }}\""), "{job}");
    }
}

#[test]
fn gitlab_recipe_checks_merge_requests_and_publishes_pages() {
    let y = load("gitlab-ci.yml");
    let check = serde_yaml::to_string(&y["check"]).unwrap();
    assert!(check.contains("retro check"), "{check}");
    assert_eq!(y["pages"]["artifacts"]["paths"][0], "public");
    // the cache key follows the retro revision that is installed
    assert_eq!(y["default"]["cache"]["key"], "retro-$RETRO_REV");
    assert!(serde_yaml::to_string(&y["default"]["before_script"]).unwrap().contains("--rev \"$RETRO_REV\""));
}
