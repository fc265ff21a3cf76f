//! Every migration can be rolled back and applied again, on both databases.

use buurtfonds_tests::{spawn_app_on, Backend};
use migration::{Migrator, MigratorTrait};

#[tokio::test]
async fn migrations_roll_back_and_apply_again() {
    for backend in Backend::ALL {
        let Some(app) = spawn_app_on(backend).await else {
            continue;
        };
        let applied = Migrator::get_applied_migrations(&app.db)
            .await
            .unwrap()
            .len();
        assert_eq!(applied, Migrator::migrations().len(), "{backend:?}");
        Migrator::down(&app.db, None).await.unwrap();
        assert!(Migrator::get_applied_migrations(&app.db)
            .await
            .unwrap()
            .is_empty());
        Migrator::up(&app.db, None).await.unwrap();
        app.seed_demo().await;
    }
}
