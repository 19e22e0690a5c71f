-- Run once by the postgres image on a new volume: the database `npm test` uses (TEST_DATABASE_URL default).
CREATE DATABASE test;
